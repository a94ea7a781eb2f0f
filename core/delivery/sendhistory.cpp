#include "sendhistory.h"

#include "capture/capturestore.h"

#include <QAtomicInteger>
#include <QSqlQuery>

namespace Hookscope {
namespace {

QAtomicInteger<quint64> connectionCounter;

QByteArray headerLines(const HeaderList &headers)
{
    QByteArrayList lines;
    for (const HeaderField &header : headers)
        lines.append(header.name + ": " + header.value);
    return lines.join("\r\n");
}

HeaderList readHeaderLines(const QByteArray &text)
{
    HeaderList headers;
    for (const QByteArray &line : text.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
    }
    return headers;
}

} // namespace

SendHistory::SendHistory(const QString &storePath)
    : m_connectionName(QStringLiteral("hookscope-sends-%1").arg(++connectionCounter))
    , m_path(storePath)
{}

SendHistory::~SendHistory()
{
    m_database.close();
    m_database = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

bool SendHistory::open(QString *error)
{
    m_database = CaptureStore::openConnection(m_path, m_connectionName, error);
    return m_database.isOpen();
}

qint64 SendHistory::add(const OutgoingRequest &request, const DeliveryResult &result)
{
    QSqlQuery query(m_database);
    query.prepare(QStringLiteral(
        "INSERT INTO sent_requests (sent_us, method, url, headers, body, status, response_head, "
        "response_body, duration_us, error) VALUES (?,?,?,?,?,?,?,?,?,?)"));
    query.addBindValue(result.startedAtUs);
    query.addBindValue(QString::fromUtf8(request.method));
    query.addBindValue(QString::fromUtf8(request.url.toEncoded()));
    query.addBindValue(headerLines(request.headers));
    query.addBindValue(request.body);
    query.addBindValue(result.status);
    query.addBindValue(result.status ? "HTTP " + QByteArray::number(result.status) + ' '
                                           + result.reason + "\r\n" + headerLines(result.headers)
                                     : QByteArray());
    query.addBindValue(result.body);
    query.addBindValue(result.durationUs);
    query.addBindValue(result.error.isEmpty() ? QVariant() : QVariant(result.error));
    return query.exec() ? query.lastInsertId().toLongLong() : 0;
}

QList<SentRequest> SendHistory::recent(int limit)
{
    QList<SentRequest> sends;
    QSqlQuery query(m_database);
    query.setForwardOnly(true);
    query.prepare(QStringLiteral(
        "SELECT id, sent_us, method, url, headers, body, status, response_head, response_body, "
        "duration_us, error FROM sent_requests ORDER BY id DESC LIMIT ?"));
    query.addBindValue(limit);
    if (!query.exec())
        return sends;
    while (query.next()) {
        SentRequest sent;
        sent.id = query.value(0).toLongLong();
        sent.result.startedAtUs = query.value(1).toLongLong();
        sent.request.method = query.value(2).toString().toUtf8();
        sent.request.url = QUrl::fromEncoded(query.value(3).toString().toUtf8());
        sent.request.headers = readHeaderLines(query.value(4).toByteArray());
        sent.request.body = query.value(5).toByteArray();
        sent.result.status = query.value(6).toInt();
        const QByteArray head = query.value(7).toByteArray();
        const qsizetype firstLineEnd = head.indexOf("\r\n");
        const QByteArray statusLine = head.left(firstLineEnd);
        sent.result.reason = statusLine.mid(statusLine.indexOf(' ', 5) + 1);
        sent.result.headers = readHeaderLines(head.mid(firstLineEnd + 2));
        sent.result.body = query.value(8).toByteArray();
        sent.result.durationUs = query.value(9).toLongLong();
        sent.result.error = query.value(10).toString();
        sends.append(sent);
    }
    return sends;
}

} // namespace Hookscope
