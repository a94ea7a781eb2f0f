#include "forwardroute.h"

#include "outgoingrequest.h"

namespace Hookscope {

std::optional<ForwardRoute> ForwardRoute::parse(const QString &spec, QString *error)
{
    ForwardRoute route;
    route.target = spec.trimmed();
    if (route.target.startsWith(QLatin1Char('/'))) {
        const qsizetype equals = route.target.indexOf(QLatin1Char('='));
        if (equals < 0) {
            *error = QStringLiteral("\"%1\": a path prefix needs its target after '=', as in "
                                    "/stripe=http://localhost:3000")
                         .arg(spec);
            return std::nullopt;
        }
        route.pathPrefix = route.target.left(equals).trimmed().toUtf8();
        route.target = route.target.mid(equals + 1).trimmed();
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
    return pathPrefix.isEmpty() ? target
                                : QString::fromUtf8(pathPrefix) + QLatin1Char('=') + target;
}

} // namespace Hookscope
