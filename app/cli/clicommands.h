#pragma once

#include <QStringList>

namespace Hookscope {

// hookscope-cli: each command parses its own options and returns the process exit code
// (0 success, 1 a negative verdict, 2 usage or input error).
class CliCommands final
{
public:
    static int run(const QStringList &arguments);

private:
    static int listen(const QStringList &arguments);
    static int list(const QStringList &arguments);
    static int show(const QStringList &arguments);
    static int remove(const QStringList &arguments);
    static int clear(const QStringList &arguments);
    static int send(const QStringList &arguments);
    static int replay(const QStringList &arguments);
    static int sign(const QStringList &arguments);
    static int verify(const QStringList &arguments);
    static int secret(const QStringList &arguments);
    static int exportCaptures(const QStringList &arguments);
    static int importCaptures(const QStringList &arguments);
    static int importIntoCollection(const QString &path, const QByteArray &bytes,
                                    const QString &collectionPath);
    static int runCollection(const QStringList &arguments);
    static int trigger(const QStringList &arguments);
    static int shape(const QStringList &arguments);
};

} // namespace Hookscope
