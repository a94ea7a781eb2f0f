#pragma once

#include <QObject>

#include <functional>

class QWidget;

namespace Hookscope {

class CaptureListView;
class CaptureStore;
class CaptureWriter;
class CollectionsPanel;
class ComposerDialog;

// File → Import and Export HAR: a file brought in by what it holds, and captures written out
// as HAR. How it went is reported through message().
class ImportExport final : public QObject
{
    Q_OBJECT
public:
    // `openComposer` makes the composer a curl command opens in.
    ImportExport(CaptureStore &store, CaptureWriter &writer, CollectionsPanel *collections,
                 CaptureListView *list, std::function<ComposerDialog *()> openComposer,
                 QWidget *window);

    // Imports a file by what it holds: a HAR file's requests become captures, a collection
    // opens, a Postman collection becomes a new collection, a curl command opens in the
    // composer.
    bool importFile(const QString &path);
    // Writes the selected captures (when several are) or all the filter shows to a HAR file,
    // on a pool thread; harExported() follows.
    void exportHar(const QString &path);
    // The same after asking for the file.
    void askImport();
    void askExportHar();

signals:
    void message(const QString &text, int timeoutMs);
    void harExported();

private:
    CaptureStore &m_store;
    CaptureWriter &m_writer;
    CollectionsPanel *m_collections;
    CaptureListView *m_list;
    std::function<ComposerDialog *()> m_openComposer;
    QWidget *m_window;
};

} // namespace Hookscope
