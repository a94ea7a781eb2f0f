#include "junitreport.h"

#include "wire/jsonfile.h"

#include <QHostInfo>
#include <QXmlStreamWriter>

namespace Hookscope {
namespace {

QString seconds(qint64 microseconds)
{
    return QString::number(double(microseconds) / 1e6, 'f', 3);
}

// "Webhooks / Stripe / invoice.paid": the folders are the class, the request the name.
std::pair<QString, QString> classAndName(const QString &collection, const QString &stepName)
{
    const qsizetype last = stepName.lastIndexOf(QStringLiteral(" / "));
    if (last < 0)
        return {collection, stepName};
    return {collection + QLatin1Char('.')
                + stepName.left(last).replace(QStringLiteral(" / "), QStringLiteral(".")),
            stepName.mid(last + 3)};
}

// XML 1.0 has no place for most control characters, which an answer may hold: they are shown
// as U+FFFD, so the report stays readable by every CI system.
QString xmlSafe(QString text)
{
    for (QChar &c : text) {
        if ((c.unicode() < 0x20 && c != u'\t' && c != u'\n' && c != u'\r') || c.unicode() == 0xFFFE
            || c.unicode() == 0xFFFF)
            c = QChar::ReplacementCharacter;
    }
    return text;
}

bool noAnswer(const RunResult &result)
{
    return !result.error.isEmpty() || !result.request || result.result.status == 0;
}

} // namespace

QByteArray junitReport(const QString &collectionName, const QList<RunResult> &results,
                       const QDateTime &startedAt, qint64 elapsedMs)
{
    const qsizetype errors = std::count_if(results.cbegin(), results.cend(), noAnswer);
    const qsizetype failures
        = std::count_if(results.cbegin(), results.cend(), [](const RunResult &result) {
              return !noAnswer(result) && !result.passed();
          });
    const QString total = QString::number(results.size());
    const QString time = seconds(elapsedMs * 1000);
    QByteArray xml;
    QXmlStreamWriter writer(&xml);
    writer.setAutoFormatting(true);
    writer.writeStartDocument();
    writer.writeStartElement(QStringLiteral("testsuites"));
    writer.writeAttribute(QStringLiteral("name"), xmlSafe(collectionName));
    writer.writeAttribute(QStringLiteral("tests"), total);
    writer.writeAttribute(QStringLiteral("failures"), QString::number(failures));
    writer.writeAttribute(QStringLiteral("errors"), QString::number(errors));
    writer.writeAttribute(QStringLiteral("time"), time);
    writer.writeStartElement(QStringLiteral("testsuite"));
    writer.writeAttribute(QStringLiteral("name"), xmlSafe(collectionName));
    writer.writeAttribute(QStringLiteral("tests"), total);
    writer.writeAttribute(QStringLiteral("failures"), QString::number(failures));
    writer.writeAttribute(QStringLiteral("errors"), QString::number(errors));
    writer.writeAttribute(QStringLiteral("skipped"), QStringLiteral("0"));
    writer.writeAttribute(QStringLiteral("time"), time);
    writer.writeAttribute(QStringLiteral("timestamp"),
                          startedAt.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")));
    writer.writeAttribute(QStringLiteral("hostname"), QHostInfo::localHostName());
    for (const RunResult &result : results) {
        const auto [className, name] = classAndName(collectionName, result.name);
        writer.writeStartElement(QStringLiteral("testcase"));
        writer.writeAttribute(QStringLiteral("name"), xmlSafe(name));
        writer.writeAttribute(QStringLiteral("classname"), xmlSafe(className));
        writer.writeAttribute(
            QStringLiteral("time"),
            seconds(result.result.durationUs + (result.repeat ? result.repeat->durationUs : 0)));
        const QString sent = result.request ? QString::fromUtf8(result.request->method + ' '
                                                                + result.request->url.toEncoded())
                                            : QString();
        if (noAnswer(result)) {
            const QString why = !result.error.isEmpty() || !result.request
                                    ? QStringLiteral("not sent: %1").arg(result.error)
                                    : QStringLiteral("no answer: %1").arg(result.result.error);
            writer.writeStartElement(QStringLiteral("error"));
            writer.writeAttribute(QStringLiteral("message"), xmlSafe(why));
            writer.writeAttribute(QStringLiteral("type"), result.request
                                                              ? QStringLiteral("no answer")
                                                              : QStringLiteral("not sent"));
            writer.writeCharacters(xmlSafe(sent.isEmpty() ? why : sent + QLatin1Char('\n') + why));
            writer.writeEndElement();
        } else if (!result.passed()) {
            QStringList missed;
            for (const CheckResult &check : result.checks)
                if (!check.passed)
                    missed.append(QStringLiteral("%1: expected %2, got %3")
                                      .arg(check.what, check.expected, check.got));
            writer.writeStartElement(QStringLiteral("failure"));
            writer.writeAttribute(QStringLiteral("message"),
                                  xmlSafe(missed.join(QStringLiteral("; "))));
            writer.writeAttribute(QStringLiteral("type"), QStringLiteral("expectation"));
            writer.writeCharacters(
                xmlSafe(sent + QLatin1Char('\n') + missed.join(QLatin1Char('\n'))));
            writer.writeEndElement();
        }
        if (result.request && result.result.status != 0) {
            // What answered, for the CI page; a long or binary body only by its size.
            const QByteArray &body = result.result.body;
            const QByteArray shown = body.size() <= 64 * 1024 && JsonFile::isText(body)
                                         ? body
                                         : "[" + QByteArray::number(body.size()) + " bytes]";
            writer.writeTextElement(
                QStringLiteral("system-out"),
                xmlSafe(QString::fromUtf8(result.result.head("\n") + '\n' + shown)));
        }
        writer.writeEndElement();
    }
    writer.writeEndElement();
    writer.writeEndElement();
    writer.writeEndDocument();
    return xml;
}

} // namespace Hookscope
