#pragma once

#include "collectionrunner.h"

#include <QDateTime>

namespace Hookscope {

// A run as JUnit XML, the report CI systems read (Jenkins, GitLab, GitHub Actions through
// their JUnit actions): one <testsuite> named after the collection, one <testcase> per request
// (its folders as the classname), a <failure> naming each expectation it missed, expected and
// got, an <error> for a request that could not be sent or got no answer.
QByteArray junitReport(const QString &collectionName, const QList<RunResult> &results,
                       const QDateTime &startedAt, qint64 elapsedMs);

} // namespace Hookscope
