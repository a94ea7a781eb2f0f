#include "mainwindow.h"

#include "store/capturestore.h"
#include "session/session.h"
#include "session/settings.h"
#include "session/storeinstance.h"

#include "commit.h"
#include "version.h"

#include <QApplication>
#include <QIcon>
#include <QMessageBox>
#include <QPushButton>

#include <cstdio>
#include <cstring>

using namespace Hookscope;

namespace {

// Opens the store; when it cannot be read, or has damaged pages, offers to keep it aside
// under a new name and start a fresh one.
bool openStore(CaptureStore &store)
{
    const bool opened = store.open();
    if (opened && store.checkIntegrity(1000))
        return true;
    if (store.openError() == CaptureStore::OpenError::Unreadable) {
        QMessageBox::critical(nullptr, QObject::tr("Hookscope"), store.errorString());
        return false;
    }
    QMessageBox box(QMessageBox::Warning, QObject::tr("Hookscope"), store.errorString());
    box.setInformativeText(QObject::tr("Hookscope can keep that file as it is under a new name and "
                                       "start a fresh capture store."));
    QPushButton *fresh = box.addButton(QObject::tr("Start a Fresh Store"), QMessageBox::AcceptRole);
    // Damaged pages still leave the rest readable: the user may want to look first.
    QPushButton *useAnyway
        = opened ? box.addButton(QObject::tr("Use It Anyway"), QMessageBox::DestructiveRole)
                 : nullptr;
    box.addButton(QMessageBox::Close);
    box.exec();
    if (useAnyway && box.clickedButton() == useAnyway)
        return true;
    if (box.clickedButton() != fresh)
        return false;
    QString error;
    const QString aside = CaptureStore::moveAside(store.path(), &error);
    if (aside.isEmpty() || !store.open()) {
        QMessageBox::critical(nullptr, QObject::tr("Hookscope"),
                              aside.isEmpty() ? error : store.errorString());
        return false;
    }
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    // Answered before a window system is needed: these work over ssh and in scripts.
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--version") == 0) {
            std::printf("hookscope " HOOKSCOPE_VERSION " (commit " HOOKSCOPE_COMMIT ")\n");
            return 0;
        }
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
            std::printf("Usage: hookscope [--version] [Qt options, e.g. -platform offscreen]\n"
                        "The Hookscope window: receives webhooks on the port set in it (4747 "
                        "at first,\nor HOOKSCOPE_PORT) and shows each request as it arrives. "
                        "For the command line:\nhookscope-cli --help.\n");
            return 0;
        }
    }
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("hookscope"));
    QApplication::setApplicationName(QStringLiteral("hookscope"));
    QApplication::setApplicationDisplayName(QStringLiteral("Hookscope"));
    QApplication::setApplicationVersion(QStringLiteral(HOOKSCOPE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("io.github.hookscope.Hookscope"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/hookscope.svg")));

    // A second launch on the same store brings the first window forward instead.
    StoreInstance instance(CaptureStore::defaultPath());
    if (!instance.claim()) {
        std::fprintf(stderr, "hookscope: already running on %s; its window was brought forward\n",
                     qUtf8Printable(CaptureStore::defaultPath()));
        return 0;
    }
    CaptureStore store(CaptureStore::defaultPath());
    if (!openStore(store))
        return 2;
    Session::Options options;
    options.remembers = true; // what is set up in the window is there next time
    // HOOKSCOPE_PORT, else the port last chosen in the window, else the default.
    options.receiver.port = Settings().port().value_or(options.receiver.port);
    if (const int port = qEnvironmentVariableIntValue("HOOKSCOPE_PORT"); port > 0)
        options.receiver.port = quint16(port);
    Session session(store.path(), options);
    QString error;
    if (!session.start(&error)) {
        QMessageBox::critical(nullptr, QObject::tr("Hookscope"), error);
        return 2;
    }
    const QStringList problems = session.useSavedSetup();

    MainWindow window(store, session);
    window.showSetupProblems(problems);
    QObject::connect(&instance, &StoreInstance::raiseRequested, &window, [&window] {
        window.setWindowState((window.windowState() & ~Qt::WindowMinimized) | Qt::WindowActive);
        window.show();
        window.raise();
        window.activateWindow();
    });
    window.show();
    window.startListening();
    return QApplication::exec();
}
