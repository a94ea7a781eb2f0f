#include "eventanalyzer.h"

#include "capturestore.h"

#include "wire/eventtype.h"
#include "wire/logging.h"
#include "wire/requestparser.h"

#include <QJsonDocument>
#include <QSqlError>

namespace Hookscope {
namespace {

// Captures per transaction: each is parsed once, for its type, id and shape.
constexpr int ChunkSize = 1024;
// Shapes kept in memory at most; past it they are written and read again when needed.
constexpr qsizetype MaxShapesHeld = 512;

} // namespace

EventAnalyzer::EventAnalyzer(QSqlDatabase &database)
    : m_database(database)
    , m_pending(database)
    , m_readShape(database)
    , m_advance(database)
    , m_insertEvent(SqliteStatement::handleOf(database),
                    "INSERT INTO search.capture_event (id, type, event_id, received_us) "
                    "VALUES (?,?,?,?)")
    , m_insertDrift(SqliteStatement::handleOf(database),
                    "INSERT INTO search.capture_drift (id, type, differences) VALUES (?,?,?)")
    , m_writeShape(SqliteStatement::handleOf(database),
                   "INSERT OR REPLACE INTO search.event_shape (type, payloads, shape) "
                   "VALUES (?,?,?)")
{
    m_pending.setForwardOnly(true);
    m_pending.prepare(QStringLiteral("SELECT c.id, b.raw, c.received_us FROM captures c JOIN "
                                     "capture_bytes b ON "
                                     "b.id = c.id WHERE c.id > ? ORDER BY c.id LIMIT %1")
                          .arg(ChunkSize));
    m_readShape.prepare(QStringLiteral("SELECT shape FROM search.event_shape WHERE type = ?"));
    m_advance.prepare(QStringLiteral("UPDATE search.index_state SET analyzed_id = ?"));
    QSqlQuery watermark(database);
    if (watermark.exec(QStringLiteral("SELECT analyzed_id FROM search.index_state"))
        && watermark.next())
        m_analyzedId = watermark.value(0).toLongLong();
}

PayloadShape &EventAnalyzer::shapeOf(const QString &eventType)
{
    auto found = m_shapes.find(eventType);
    if (found != m_shapes.end())
        return *found;
    PayloadShape shape;
    m_readShape.addBindValue(eventType);
    if (m_readShape.exec() && m_readShape.next())
        shape = PayloadShape::fromJson(
            QJsonDocument::fromJson(m_readShape.value(0).toByteArray()).object());
    m_readShape.finish();
    return *m_shapes.insert(eventType, shape);
}

QString EventAnalyzer::kindKey(const QString &eventType, bool test)
{
    return eventType + KindSeparator + (test ? QStringLiteral("test") : QStringLiteral("live"));
}

QStringList EventAnalyzer::learn(const QString &eventType, const QJsonObject &payload, bool test)
{
    const QString own = kindKey(eventType, test);
    const QString other = kindKey(eventType, !test);
    // All three in memory before any is used: an insert may move the others.
    for (const QString &key : {eventType, own, other})
        shapeOf(key);
    PayloadShape &ownShape = m_shapes[own];
    const PayloadShape &otherShape = m_shapes[other];
    // Judged against earlier payloads of its kind, so that test events do not make live ones
    // drift; a test event against the live ones as soon as there are enough (test events that
    // differ from live ones), and the first live one against the test ones.
    const bool againstOther
        = otherShape.payloads() >= PayloadShape::DriftAfter && (test || ownShape.payloads() == 0);
    QStringList differences = (againstOther ? otherShape : ownShape).differences(payload);
    if (againstOther && !differences.isEmpty()) {
        differences.prepend(test ? QStringLiteral("a test event, unlike the live ones:")
                                 : QStringLiteral("the first live event, unlike the test ones:"));
    }
    ownShape.add(payload);
    m_shapes[eventType].add(payload);
    m_changed.insert(eventType);
    m_changed.insert(own);
    return differences;
}

bool EventAnalyzer::writeShapes()
{
    for (const QString &type : std::as_const(m_changed)) {
        const PayloadShape &shape = m_shapes[type];
        const QByteArray typeText = type.toUtf8();
        const QByteArray json = QJsonDocument(shape.toJson()).toJson(QJsonDocument::Compact);
        m_writeShape.bindText(1, typeText);
        m_writeShape.bind(2, shape.payloads());
        m_writeShape.bindText(3, json);
        if (!m_writeShape.run())
            return false;
    }
    m_changed.clear();
    return true;
}

bool EventAnalyzer::analyzeNext(bool *caughtUp)
{
    m_pending.addBindValue(m_analyzedId);
    struct Pending
    {
        qint64 id;
        QByteArray raw;
        qint64 receivedUs;
    };
    QList<Pending> chunk;
    qint64 bytes = 0;
    if (m_pending.exec()) {
        while (bytes < CaptureStore::MaxChunkBytes && m_pending.next()) {
            chunk.append({m_pending.value(0).toLongLong(), m_pending.value(1).toByteArray(),
                          m_pending.value(2).toLongLong()});
            bytes += chunk.last().raw.size();
        }
    }
    *caughtUp = chunk.size() < ChunkSize && !m_pending.isValid();
    m_pending.finish();
    if (chunk.isEmpty())
        return true;
    if (m_shapes.size() > MaxShapesHeld)
        m_shapes.clear(); // all written at the end of the chunk before
    bool ok = m_database.transaction();
    for (const auto &[id, raw, receivedUs] : std::as_const(chunk)) {
        if (!ok)
            break;
        const CapturedRequest request = RequestParser::parseStored(raw);
        const QJsonObject body = jsonBodyOf(request);
        const QString type = eventType(request, body);
        const QString eventId = Hookscope::eventId(request, body);
        // A row even when nothing names either: the Traffic view counts by type from here.
        const QByteArray typeText = type.toUtf8();
        const QByteArray idText = eventId.toUtf8();
        m_insertEvent.bind(1, id);
        m_insertEvent.bindText(2, typeText);
        m_insertEvent.bindText(3, idText);
        m_insertEvent.bind(4, receivedUs);
        ok = m_insertEvent.run();
        if (!ok || type.isEmpty() || body.isEmpty())
            continue;
        const QStringList differences = learn(type, body, isTestEvent(request, body));
        if (!differences.isEmpty()) {
            const QByteArray text = differences.join(QLatin1Char('\n')).toUtf8();
            m_insertDrift.bind(1, id);
            m_insertDrift.bindText(2, typeText);
            m_insertDrift.bindText(3, text);
            ok = m_insertDrift.run();
        }
    }
    m_advance.addBindValue(chunk.last().id);
    if (!ok || !writeShapes() || !m_advance.exec() || !m_database.commit()) {
        qCWarning(lcStore, "event analysis stopped: %s",
                  qPrintable(m_insertEvent.errorMessage() + m_database.lastError().text()));
        m_database.rollback();
        m_shapes.clear(); // as the store has them again
        m_changed.clear();
        return false;
    }
    m_analyzedId = chunk.last().id;
    return true;
}

} // namespace Hookscope
