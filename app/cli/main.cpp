#include "clicommands.h"

#include "version.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("hookscope-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HOOKSCOPE_VERSION));
    return Hookscope::CliCommands::run(QCoreApplication::arguments());
}
