#include "sendhistory.h"

#include <QSqlQuery>

namespace Hookscope {

SendHistory::SendHistory(const QString &storePath)
    : m_connection(storePath)
{}

bool SendHistory::open(QString *error)
{
    return m_connection.open(error);
}

qint64 SendHistory::add(const OutgoingRequest &request, const DeliveryResult &result)
{
    QSqlQuery query(m_connection.database());
    query.prepare(QStringLiteral(
        "INSERT INTO sent_requests (sent_us, method, url, headers, body, status, response_head, "
        "response_body, duration_us, error) VALUES (?,?,?,?,?,?,?,?,?,?)"));
    query.addBindValue(result.startedAtUs);
    query.addBindValue(QString::fromUtf8(request.method));
    query.addBindValue(QString::fromUtf8(request.url.toEncoded()));
    const QByteArray headers = headerLines(request.headers, "\r\n");
    query.addBindValue(headers.isNull() ? QByteArray("") : headers); // none is not NULL
    query.addBindValue(request.body);
    query.addBindValue(result.status);
    query.addBindValue(result.head());
    query.addBindValue(result.body);
    query.addBindValue(result.durationUs);
    query.addBindValue(result.error.isEmpty() ? QVariant() : QVariant(result.error));
    return runQuery(query) ? query.lastInsertId().toLongLong() : 0;
}

QList<SentRequest> SendHistory::recent(int limit)
{
    QList<SentRequest> sends;
    QSqlQuery query(m_connection.database());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral(
        "SELECT id, sent_us, method, url, headers, body, status, response_head, response_body, "
        "duration_us, error FROM sent_requests ORDER BY id DESC LIMIT ?"));
    query.addBindValue(limit);
    if (!runQuery(query))
        return sends;
    while (query.next()) {
        SentRequest sent;
        sent.id = query.value(0).toLongLong();
        sent.result.startedAtUs = query.value(1).toLongLong();
        sent.request.method = query.value(2).toString().toUtf8();
        sent.request.url = QUrl::fromEncoded(query.value(3).toString().toUtf8());
        sent.request.headers = parseHeaderLines(query.value(4).toByteArray());
        sent.request.body = query.value(5).toByteArray();
        sent.result.status = query.value(6).toInt();
        sent.result.readHead(query.value(7).toByteArray());
        sent.result.body = query.value(8).toByteArray();
        sent.result.durationUs = query.value(9).toLongLong();
        sent.result.error = query.value(10).toString();
        sends.append(sent);
    }
    return sends;
}

} // namespace Hookscope
