#include "testevents.h"

#include "collections/collectionrunner.h"
#include "signing/signature.h"
#include "store/datafolder.h"
#include "wire/captureorigin.h"
#include "wire/jsonfile.h"
#include "wire/jsonpath.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace Hookscope {
namespace {

// "Standard Webhooks" → "standard-webhooks".
QString providerKey(const QString &title)
{
    return title.trimmed().toLower().replace(QLatin1Char(' '), QLatin1Char('-'));
}

QByteArray asJsonValue(const QByteArray &value)
{
    if (QJsonDocument::fromJson("[" + value + "]").array().size() == 1)
        return value.trimmed();
    return QJsonDocument(QJsonArray{QString::fromUtf8(value)})
        .toJson(QJsonDocument::Compact)
        .sliced(1)
        .chopped(1);
}

bool isForm(const OutgoingRequest &request)
{
    return headerValue(request.headers, "Content-Type")
        .startsWith("application/x-www-form-urlencoded");
}

// `form` with field `name` set to `value` where it is, or added at the end.
QByteArray withFormField(const QByteArray &form, const QString &name, const QByteArray &value)
{
    const QByteArray field
        = QUrl::toPercentEncoding(name) + "=" + QUrl::toPercentEncoding(QString::fromUtf8(value));
    QList<QByteArray> pairs = form.isEmpty() ? QList<QByteArray>() : form.split('&');
    bool found = false;
    for (QByteArray &pair : pairs) {
        const QByteArray written = pair.left(pair.indexOf('='));
        if (QUrl::fromPercentEncoding(QByteArray(written).replace('+', ' ')) == name) {
            pair = field;
            found = true;
        }
    }
    if (!found)
        pairs.append(field);
    return pairs.join('&');
}

} // namespace

std::optional<FieldOverride> FieldOverride::parse(const QString &text, QString *error)
{
    const qsizetype equals = text.indexOf(QLatin1Char('='));
    if (equals <= 0) {
        *error
            = QStringLiteral("\"%1\" is not PATH=VALUE (data.object.amount_paid=5000)").arg(text);
        return std::nullopt;
    }
    return FieldOverride{text.left(equals).trimmed(), text.mid(equals + 1).toUtf8()};
}

std::optional<OutgoingRequest> TestEvent::prepare(const QString &target,
                                                  const std::optional<QByteArray> &secret,
                                                  const QList<FieldOverride> &overrides,
                                                  QString *error) const
{
    QHash<QString, QString> values = variables;
    values.insert(QStringLiteral("target"), target.trimmed());
    RequestTemplate unsignedRequest = request;
    unsignedRequest.signing = {};
    std::optional<OutgoingRequest> prepared = unsignedRequest.resolve(values, error);
    if (!prepared)
        return std::nullopt;
    prepared->headers.append(
        {CaptureOrigin::TestEventHeader, (provider + QLatin1Char('/') + name).toUtf8()});
    for (const FieldOverride &change : overrides) {
        if (isForm(*prepared)) {
            prepared->body = withFormField(prepared->body, change.path, change.value);
            continue;
        }
        QString problem;
        const std::optional<JsonPath> path = JsonPath::parse(change.path, &problem);
        const std::optional<QByteArray> changed
            = path ? JsonFile::withValueAt(prepared->body, *path, asJsonValue(change.value),
                                           &problem)
                   : std::nullopt;
        if (!changed) {
            *error = QStringLiteral("cannot set %1: %2").arg(change.path, problem);
            return std::nullopt;
        }
        prepared->body = *changed;
    }
    if (isSigned() && secret) {
        const std::optional<SignatureScheme> scheme
            = SignatureScheme::parse(request.signing.scheme, error);
        if (!scheme)
            return std::nullopt;
        const HeaderList signature = Signatures::sign(
            *scheme, *secret, SignedRequest::fromOutgoing(*prepared),
            QDateTime::currentSecsSinceEpoch(), Signatures::newMessageId(), error);
        if (signature.isEmpty())
            return std::nullopt;
        prepared->headers = Signatures::withHeaders(prepared->headers, signature);
    }
    return prepared;
}

QString TestEventCatalog::ownEventsPath()
{
    return QDir(DataFolder::path()).filePath(QStringLiteral("events.json"));
}

TestEventCatalog TestEventCatalog::load(const QString &ownEventsFile)
{
    TestEventCatalog catalog;
    QString error;
    // Shipped with the program and tested: it always reads.
    const std::optional<Collection> shipped
        = Collection::load(QStringLiteral(":/events/catalog.json"), &error);
    Q_ASSERT_X(shipped, "TestEventCatalog", qPrintable(error));
    if (shipped)
        catalog.add(*shipped, false);
    if (!ownEventsFile.isEmpty() && QFileInfo::exists(ownEventsFile)) {
        const std::optional<Collection> own = Collection::load(ownEventsFile, &error);
        if (own)
            catalog.add(*own, true);
        else
            catalog.m_problem = QStringLiteral("your own test events were not read: %1").arg(error);
    }
    return catalog;
}

void TestEventCatalog::add(const Collection &collection, bool own)
{
    QHash<QString, QString> variables;
    if (!m_events.isEmpty())
        variables = m_events.constFirst().variables; // own events may use the shipped ones
    for (const Variable &variable : collection.variables)
        variables.insert(variable.name, variable.value);
    for (const CollectionItem &folder : collection.items) {
        // Requests at the top level of an own file have no provider folder.
        const QList<CollectionItem> items = folder.isFolder ? folder.items : QList{folder};
        const QString title = folder.isFolder ? folder.name : QStringLiteral("Custom");
        for (const RunStep &step : CollectionRunner::steps(items)) {
            TestEvent event{providerKey(title), title, step.name, step.request, variables, own};
            const auto same
                = std::find_if(m_events.begin(), m_events.end(), [&event](const TestEvent &other) {
                      return other.provider == event.provider && other.name == event.name;
                  });
            if (same != m_events.end())
                *same = event;
            else
                m_events.append(event);
        }
    }
}

QStringList TestEventCatalog::providers() const
{
    QStringList keys;
    for (const TestEvent &event : m_events)
        if (!keys.contains(event.provider))
            keys.append(event.provider);
    return keys;
}

QList<TestEvent> TestEventCatalog::eventsOf(const QString &provider) const
{
    QList<TestEvent> found;
    for (const TestEvent &event : m_events)
        if (event.provider.compare(provider, Qt::CaseInsensitive) == 0)
            found.append(event);
    return found;
}

const TestEvent *TestEventCatalog::find(const QString &provider, const QString &name) const
{
    for (const TestEvent &event : m_events)
        if (event.provider.compare(provider, Qt::CaseInsensitive) == 0 && event.name == name)
            return &event;
    return nullptr;
}

} // namespace Hookscope
