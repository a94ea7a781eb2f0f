#pragma once

#include "sqlitestatement.h"

#include "wire/payloadshape.h"

#include <QHash>
#include <QSqlDatabase>
#include <QSqlQuery>

namespace Hookscope {

// The search index's third part, kept by the indexer's thread once the text is caught up: each
// capture's event type and id (capture_event), the shape of each event type's payloads
// (event_shape), and the captures whose payload differed from the shape learnt before them
// (capture_drift). Captures are taken in id order, so each is judged against those before it.
// Beside each type's shape are those of its test and its live payloads (isTestEvent()), kept
// under kindKey(), which the list of types leaves out.
class EventAnalyzer final
{
public:
    // On `database`, with the index attached as `search`.
    explicit EventAnalyzer(QSqlDatabase &database);
    EventAnalyzer(const EventAnalyzer &) = delete;
    EventAnalyzer &operator=(const EventAnalyzer &) = delete;

    // How far it has got (index_state.analyzed_id).
    qint64 analyzedUpTo() const { return m_analyzedId; }
    // Analyses the next chunk of captures in one transaction; `caughtUp` when there were fewer
    // than a chunk. False, logged, when it cannot write.
    bool analyzeNext(bool *caughtUp);

    // Where the shape of only the test or only the live payloads of a type is kept: the type,
    // then KindSeparator, which no type holds (labels drop control characters).
    static constexpr QChar KindSeparator = QChar(0x1f);
    static QString kindKey(const QString &eventType, bool test);

private:
    PayloadShape &shapeOf(const QString &eventType);
    // Learns a payload of the type, of its kind, and says how it differs from those before it.
    QStringList learn(const QString &eventType, const QJsonObject &payload, bool test);
    bool writeShapes();

    QSqlDatabase &m_database;
    QSqlQuery m_pending;
    QSqlQuery m_readShape;
    QSqlQuery m_advance;
    SqliteStatement m_insertEvent;
    SqliteStatement m_insertDrift;
    SqliteStatement m_writeShape;
    qint64 m_analyzedId = 0;
    // The shapes learnt, by event type: read once, written after each chunk that changed them.
    QHash<QString, PayloadShape> m_shapes;
    QSet<QString> m_changed;
};

} // namespace Hookscope
