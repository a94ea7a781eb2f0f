#include "capturequery.h"

#include <algorithm>
#include <limits>

#include <QDateTime>
#include <QVariant>

namespace Hookscope {

namespace {

// The field `word` is a slip of the keyboard for (a letter off, two for the long names, so that
// "data:" stays text beside "path:"): empty for none, or when it is a field.
QString fieldMeant(const QString &word)
{
    const auto distance = [](const QString &a, const QString &b) {
        QList<int> row(b.size() + 1);
        for (int j = 0; j <= b.size(); ++j)
            row[j] = j;
        for (int i = 1; i <= a.size(); ++i) {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.size(); ++j) {
                const int above = row[j];
                row[j] = std::min(
                    {row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
                diagonal = above;
            }
        }
        return row[b.size()];
    };
    for (const char *field : {"method", "path", "type", "status", "event", "after", "before"}) {
        const QString name = QLatin1String(field);
        if (word != name && word.size() >= 3 && distance(word, name) <= (name.size() >= 6 ? 2 : 1))
            return name;
    }
    return {};
}

} // namespace

CaptureQuery CaptureQuery::parse(const QString &text, QString *error)
{
    CaptureQuery query;
    const auto fail = [&](const QString &message) {
        if (error)
            *error = message;
        return CaptureQuery();
    };
    if (error)
        error->clear();
    // Quoted phrases are always free text; a field term is a bare word with a known prefix.
    QStringList phrases;
    bool quoted = false;
    QString current;
    const auto flush = [&](bool wasQuoted) {
        if (current.isEmpty())
            return;
        phrases.append(wasQuoted ? QLatin1Char('"') + current : current);
        current.clear();
    };
    bool fieldQuoted = false; // field:"a value with spaces" is one field term
    for (const QChar c : text) {
        if (c == QLatin1Char('"') && fieldQuoted) {
            flush(false);
            quoted = fieldQuoted = false;
        } else if (c == QLatin1Char('"') && !quoted && current.endsWith(QLatin1Char(':'))
                   && current.size() > 1) {
            quoted = fieldQuoted = true;
        } else if (c == QLatin1Char('"')) {
            flush(quoted);
            quoted = !quoted;
        } else if (c.isSpace() && !quoted) {
            flush(false);
        } else {
            current += c;
        }
    }
    flush(quoted && !fieldQuoted);

    for (const QString &phrase : std::as_const(phrases)) {
        if (phrase.startsWith(QLatin1Char('"'))) {
            query.m_textTerms.append(phrase.mid(1));
            continue;
        }
        const qsizetype colon = phrase.indexOf(QLatin1Char(':'));
        const QString field = colon > 0 ? phrase.left(colon).toLower() : QString();
        const QString value = colon > 0 ? phrase.mid(colon + 1) : QString();
        if (field == QLatin1String("method")) {
            query.m_method = value.toUpper().toLatin1();
        } else if (field == QLatin1String("path")) {
            query.m_pathPrefix = value.toUtf8();
        } else if (field == QLatin1String("type")) {
            query.m_contentType = value.toLower().toUtf8();
        } else if (field == QLatin1String("event")) {
            if (value.isEmpty())
                return fail(QStringLiteral("event: expects an event type, such as "
                                           "event:invoice.paid or event:push"));
            query.m_eventType = value;
        } else if (field == QLatin1String("status")) {
            bool ok = false;
            if (value == QLatin1String("none")) {
                query.m_statusMin = query.m_statusMax = 0;
            } else if (value.size() == 3 && value.endsWith(QLatin1String("xx"))
                       && value.at(0).isDigit()) {
                query.m_statusMin = value.at(0).digitValue() * 100;
                query.m_statusMax = query.m_statusMin + 99;
            } else if (const int status = value.toInt(&ok); ok && status >= 100 && status <= 599) {
                query.m_statusMin = query.m_statusMax = status;
            } else {
                return fail(
                    QStringLiteral("status: expects a code such as 404, a class such as 4xx, "
                                   "or none; not \"%1\"")
                        .arg(value));
            }
        } else if (field == QLatin1String("after") || field == QLatin1String("before")) {
            const QDateTime time = QDateTime::fromString(value, Qt::ISODateWithMs);
            if (!time.isValid())
                return fail(QStringLiteral("%1: expects a date and time such as "
                                           "2026-12-01T14:05:00 (local time), not \"%2\"")
                                .arg(field, value));
            (field == QLatin1String("after") ? query.m_afterUs : query.m_beforeUs)
                = time.toMSecsSinceEpoch() * 1000;
        } else if (field == QLatin1String("is")) {
            if (value == QLatin1String("malformed"))
                query.m_malformedOnly = true;
            else if (value == QLatin1String("starred"))
                query.m_starredOnly = true;
            else if (value == QLatin1String("drift"))
                query.m_driftOnly = true;
            else
                return fail(QStringLiteral("is: expects malformed, starred or drift, not \"%1\"")
                                .arg(value));
        } else if (const QString meant = fieldMeant(field); !value.isEmpty() && !meant.isEmpty()) {
            // "stauts:500" found as text would show an empty list with no reason.
            return fail(QStringLiteral("%1: is not a field; did you mean %2:? (Put it in quotes "
                                       "to find the text.)")
                            .arg(field, meant));
        } else {
            // Anything else, "invoice.paid" or "Stripe-Signature:" included, is text to find.
            query.m_textTerms.append(phrase);
        }
    }
    return query;
}

bool CaptureQuery::isEmpty() const
{
    return m_textTerms.isEmpty() && m_method.isEmpty() && m_pathPrefix.isEmpty()
           && m_contentType.isEmpty() && m_eventType.isEmpty() && m_statusMin < 0
           && !m_malformedOnly && !m_starredOnly && !m_driftOnly && !m_afterUs && !m_beforeUs;
}

bool CaptureQuery::matchesFields(const CaptureSummary &summary) const
{
    if (!m_method.isEmpty() && summary.method != m_method)
        return false;
    if (!m_pathPrefix.isEmpty() && !summary.target.startsWith(m_pathPrefix))
        return false;
    if (!m_contentType.isEmpty() && !summary.contentType.toLower().contains(m_contentType))
        return false;
    if (m_statusMin >= 0
        && (summary.responseStatus < m_statusMin || summary.responseStatus > m_statusMax))
        return false;
    if (m_malformedOnly && !summary.malformed)
        return false;
    if (m_starredOnly && !summary.starred)
        return false;
    if ((m_afterUs && summary.receivedAtUs < *m_afterUs)
        || (m_beforeUs && summary.receivedAtUs >= *m_beforeUs))
        return false;
    return true;
}

QString CaptureQuery::sqlConditions(QVariantList *values) const
{
    QStringList conditions{QStringLiteral("1")};
    if (!m_method.isEmpty()) {
        conditions.append(QStringLiteral("c.method = ?"));
        values->append(QString::fromLatin1(m_method));
    }
    if (!m_pathPrefix.isEmpty()) {
        // substr, not LIKE: '%' and '_' in a path are literal characters.
        conditions.append(QStringLiteral("substr(c.target, 1, ?) = ?"));
        values->append(QString::fromUtf8(m_pathPrefix).size());
        values->append(QString::fromUtf8(m_pathPrefix));
    }
    if (!m_contentType.isEmpty()) {
        conditions.append(QStringLiteral("instr(lower(c.content_type), ?) > 0"));
        values->append(QString::fromUtf8(m_contentType));
    }
    if (m_statusMin >= 0) {
        conditions.append(QStringLiteral("c.response_status BETWEEN ? AND ?"));
        values->append(m_statusMin);
        values->append(m_statusMax);
        // Spelled as the store's partial index says, so SQLite knows it may use it.
        if (m_statusMax < 200 || m_statusMin >= 300)
            conditions.append(
                QStringLiteral("(c.response_status < 200 OR c.response_status >= 300)"));
    }
    if (m_afterUs || m_beforeUs) {
        const qint64 from = m_afterUs.value_or(std::numeric_limits<qint64>::min());
        const qint64 to = m_beforeUs.value_or(std::numeric_limits<qint64>::max());
        conditions.append(QStringLiteral("c.received_us >= ? AND c.received_us < ?"));
        values->append(from);
        values->append(to);
        // The ids of the captures in that time, from the index on it (and the tail it has not
        // reached), bound the walk through the list: else a stretch long ago is found by
        // reading every capture after it.
        const QString inTime = QStringLiteral("received_us >= ? AND received_us < ?");
        const QString tail = QStringLiteral("FROM captures WHERE id > (SELECT sorted_id FROM "
                                            "search.index_state) AND ")
                             + inTime;
        const QString sorted
            = QStringLiteral("FROM search.capture_sort INDEXED BY capture_sort_received WHERE ")
              + inTime;
        conditions.append(QStringLiteral("c.id BETWEEN min(coalesce((SELECT min(id) %1), %3), "
                                         "coalesce((SELECT min(id) %2), %3)) AND "
                                         "max(coalesce((SELECT max(id) %1), 0), "
                                         "coalesce((SELECT max(id) %2), 0))")
                              .arg(sorted, tail)
                              .arg(std::numeric_limits<qint64>::max()));
        for (int i = 0; i < 4; ++i) {
            values->append(from);
            values->append(to);
        }
    }
    if (m_malformedOnly)
        conditions.append(QStringLiteral("c.parse_error IS NOT NULL"));
    if (m_starredOnly)
        conditions.append(QStringLiteral("c.starred <> 0"));
    if (m_driftOnly)
        conditions.append(QStringLiteral("c.id IN (SELECT id FROM search.capture_drift)"));
    if (!m_eventType.isEmpty()) {
        conditions.append(QStringLiteral(
            "(c.id IN (SELECT id FROM search.capture_event WHERE type = ? COLLATE NOCASE) OR "
            "(c.id > (SELECT analyzed_id FROM search.index_state) AND hookscope_event_type("
            "(SELECT raw FROM capture_bytes WHERE id = c.id)) = ? COLLATE NOCASE))"));
        values->append(m_eventType);
        values->append(m_eventType);
    }
    return conditions.join(QStringLiteral(" AND "));
}

} // namespace Hookscope
