#include "forwardroute.h"

#include <QUrl>

namespace Hookscope {
namespace {

const QLatin1StringView fixedUrlWord("fixed-url");
const QLatin1StringView proxyWord("proxy");
const QLatin1StringView keepHostWord("keep-host");
const QLatin1StringView acceptSelfSignedWord("accept-self-signed");
const QLatin1StringView resignWord("resign");

} // namespace

std::optional<ForwardRoute> ForwardRoute::parse(const QString &spec, QString *error)
{
    ForwardRoute route;
    QString rest = spec.trimmed();
    if (rest.startsWith(QLatin1Char('/'))) {
        const qsizetype equals = rest.indexOf(QLatin1Char('='));
        if (equals < 0) {
            *error = QStringLiteral("\"%1\": a path prefix needs its target after '=', as in "
                                    "/stripe=http://localhost:3000")
                         .arg(spec);
            return std::nullopt;
        }
        route.pathPrefix = rest.left(equals).trimmed().toUtf8();
        rest = rest.mid(equals + 1);
    }
    QStringList words = rest.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (words.isEmpty()) {
        *error = QStringLiteral("\"%1\": a forwarding route needs a target URL").arg(spec);
        return std::nullopt;
    }
    route.target = words.takeFirst();
    QStringList delivery;
    for (const QString &word : std::as_const(words)) {
        if (word.contains(QLatin1Char('='))) {
            delivery.append(word);
        } else if (word == fixedUrlWord) {
            route.options.fixedUrl = true;
        } else if (word == proxyWord) {
            route.proxy = true;
        } else if (word == keepHostWord) {
            route.options.keepHost = true;
        } else if (word == acceptSelfSignedWord) {
            route.options.acceptSelfSigned = true;
        } else if (word == resignWord) {
            route.options.resign = true;
        } else {
            *error = QStringLiteral("\"%1\": unknown option \"%2\"; the options after the URL are "
                                    "%3, %4, %5, %6, %7, duplicates=N, shuffle=MS, delay=MS[-MS], "
                                    "stale=S, concurrency=N and seed=N")
                         .arg(spec, word, fixedUrlWord, proxyWord, keepHostWord,
                              acceptSelfSignedWord, resignWord);
            return std::nullopt;
        }
    }
    QString problem;
    const std::optional<ChaosOptions> chaos
        = ChaosOptions::parse(delivery.join(QLatin1Char(' ')), &problem);
    if (!chaos) {
        *error = QStringLiteral("\"%1\": %2").arg(spec, problem);
        return std::nullopt;
    }
    route.chaos = *chaos;
    // Only the age is wrong: each copy is signed again, as if that long ago.
    if (chaos->staleSeconds > 0)
        route.options.resign = true;
    if (route.proxy && !chaos->isPlain()) {
        *error = QStringLiteral("\"%1\": a proxy route answers the provider with one send; "
                                "duplicates=, shuffle=, delay=, stale= and concurrency= are for "
                                "routes that are not proxies")
                     .arg(spec);
        return std::nullopt;
    }
    if (const QString problem = OutgoingRequest::targetProblem(QUrl(route.target));
        !problem.isEmpty()) {
        *error = problem;
        return std::nullopt;
    }
    return route;
}

QString ForwardRoute::spec() const
{
    QString spec
        = pathPrefix.isEmpty() ? target : QString::fromUtf8(pathPrefix) + QLatin1Char('=') + target;
    for (const auto &[set, word] : {std::pair{options.fixedUrl, fixedUrlWord},
                                    {proxy, proxyWord},
                                    {options.keepHost, keepHostWord},
                                    {options.acceptSelfSigned, acceptSelfSignedWord},
                                    {options.resign, resignWord}}) {
        if (set)
            spec += QLatin1Char(' ') + word;
    }
    if (const QString delivery = chaos.toString(); !delivery.isEmpty())
        spec += QLatin1Char(' ') + delivery;
    return spec;
}

} // namespace Hookscope
