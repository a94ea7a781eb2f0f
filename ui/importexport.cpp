#include "importexport.h"

#include "capturelistmodel.h"
#include "capturelistview.h"
#include "collectionspanel.h"
#include "composerdialog.h"

#include "collections/collectionfolder.h"
#include "collections/har.h"
#include "collections/importer.h"
#include "collections/postman.h"
#include "store/capturestore.h"
#include "store/capturewriter.h"
#include "wire/jsonfile.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLabel>
#include <QMessageBox>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace Hookscope {

ImportExport::ImportExport(CaptureStore &store, CaptureWriter &writer,
                           CollectionsPanel *collections, CaptureListView *list,
                           std::function<ComposerDialog *()> openComposer, QWidget *window)
    : QObject(window)
    , m_store(store)
    , m_writer(writer)
    , m_collections(collections)
    , m_list(list)
    , m_openComposer(std::move(openComposer))
    , m_window(window)
{}

void ImportExport::askImport()
{
    const QString path = QFileDialog::getOpenFileName(
        m_window, tr("Import"), QString(),
        tr("HAR, Postman, collection or curl files (*.har *.json *.sh *.txt);;All files (*)"));
    if (!path.isEmpty())
        importFile(path);
}

void ImportExport::askExportHar()
{
    const QString path = QFileDialog::getSaveFileName(
        m_window, tr("Export HAR"), QStringLiteral("captures.har"), tr("HAR files (*.har)"));
    if (!path.isEmpty())
        exportHar(path);
}

bool ImportExport::importFile(const QString &path)
{
    QString error;
    const std::optional<QByteArray> bytes = JsonFile::read(path, &error);
    const QString fileName = QFileInfo(path).fileName();
    const auto fail = [this, &fileName](const QString &why) {
        emit message(tr("Nothing imported from %1: %2").arg(fileName, why), 0);
        return false;
    };
    if (!bytes)
        return fail(error);
    switch (Importer::detect(*bytes)) {
    case Importer::Format::Collection:
        if (!m_collections->openCollection(path, &error))
            return fail(error);
        emit message(tr("Opened the collection %1").arg(fileName), 5000);
        return true;
    case Importer::Format::Postman: {
        QStringList warnings;
        const std::optional<Collection> imported = Postman::read(*bytes, &warnings, &error);
        if (!imported)
            return fail(error);
        const QString collectionPath = CollectionFolder::newFilePath(
            imported->name.isEmpty() ? QFileInfo(path).completeBaseName() : imported->name);
        if (!m_collections->createCollection(collectionPath, *imported, &error))
            return fail(error);
        emit message(tr("Imported the Postman collection %1 as %2%3")
                         .arg(fileName, collectionPath,
                              warnings.isEmpty()
                                  ? QString()
                                  : QStringLiteral(" — ") + warnings.join(QStringLiteral("; "))),
                     15000);
        return true;
    }
    case Importer::Format::Curl: {
        ComposerDialog *composer = m_openComposer();
        return composer->pasteCurl(QString::fromUtf8(*bytes))
                   ? true
                   : fail(composer->answerStatus()->text());
    }
    case Importer::Format::Har: break;
    case Importer::Format::Unknown:
        return fail(tr("not a HAR file, Postman collection, Hookscope collection or curl "
                       "command"));
    }
    const Importer::HarCaptures read = Importer::harCaptures(*bytes);
    if (read.captures.isEmpty() && !read.error.isEmpty())
        return fail(read.error);
    if (!read.skipped.isEmpty()) {
        // Some entries cannot be read: the others only if the user says so.
        const auto answer = QMessageBox::question(
            m_window, tr("Import"),
            tr("%1: %n entry(s) cannot be read (%2).\n\nImport the %3 that can?", nullptr,
               int(read.skipped.size()))
                .arg(fileName, read.skipped.first())
                .arg(read.captures.size()));
        if (answer != QMessageBox::Yes)
            return fail(read.error);
    }
    for (const CapturedRequest &capture : read.captures)
        m_writer.append(capture, 0); // they appear as they are stored, like live ones
    emit message(
        tr("Imported %n capture(s) from %1", nullptr, int(read.captures.size())).arg(fileName)
            + (read.skipped.isEmpty()
                   ? QString()
                   : tr("; skipped %1").arg(read.skipped.join(QStringLiteral("; ")))),
        read.skipped.isEmpty() ? 5000 : 0);
    return true;
}

void ImportExport::exportHar(const QString &path)
{
    // The selected captures when several are, else every one the filter shows; written on a
    // pool thread with a store connection of its own.
    const QList<qint64> selected = m_list->selectedIds();
    const CaptureQuery query = m_list->captureModel()->query();
    auto *watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher] {
        watcher->deleteLater();
        emit message(watcher->result(), 8000);
        emit harExported();
    });
    watcher->setFuture(QtConcurrent::run([storePath = m_store.path(), selected, query, path] {
        QList<qint64> ids = selected;
        if (ids.size() < 2) {
            CaptureStore store(storePath);
            ids = store.open() ? store.idsMatching(query) : QList<qint64>();
        } else {
            std::sort(ids.begin(), ids.end());
        }
        QString error;
        const qsizetype written = Har::write(storePath, ids, path, &error);
        return written < 0 ? tr("Not exported: %1").arg(error)
                           : tr("Exported %n capture(s) to %1", nullptr, int(written))
                                 .arg(QFileInfo(path).fileName());
    }));
}

} // namespace Hookscope
