#pragma once

#include "store/capturewriter.h"

#include <QSignalSpy>

// Appends `requests` through a real writer thread and waits for them to be committed: their
// ids, in order (fewer when the writer stopped short of them).
inline QList<qint64> appendAndWait(Hookscope::CaptureWriter &writer,
                                   const QList<Hookscope::CapturedRequest> &requests)
{
    QSignalSpy spy(&writer, &Hookscope::CaptureWriter::committed);
    for (const Hookscope::CapturedRequest &request : requests)
        writer.append(request, 0);
    QList<qint64> ids;
    while (ids.size() < requests.size()) {
        if (spy.isEmpty() && !spy.wait(5000))
            break;
        for (const Hookscope::CommittedCapture &committed :
             spy.takeFirst().at(0).value<Hookscope::CommittedBatch>())
            ids.append(committed.summary.id);
    }
    return ids;
}
