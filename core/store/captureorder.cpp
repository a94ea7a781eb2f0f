#include "captureorder.h"

namespace Hookscope {

QString CaptureOrder::sqlExpression() const
{
    switch (key) {
    case Key::Received: return QStringLiteral("c.id");
    case Key::Method: return QStringLiteral("c.method");
    case Key::Target: return QStringLiteral("c.target");
    case Key::Status: return QStringLiteral("c.response_status");
    case Key::BodySize: return QStringLiteral("c.body_size");
    case Key::ContentType: return QStringLiteral("c.content_type");
    case Key::Source: return QStringLiteral("c.remote_address");
    case Key::Starred: return QStringLiteral("c.starred");
    case Key::Rule: return QStringLiteral("COALESCE(c.rule, '')"); // NULL would break paging
    }
    return QStringLiteral("c.id");
}

QVariant CaptureOrder::keyOf(const CaptureSummary &summary) const
{
    switch (key) {
    case Key::Received: return summary.id;
    case Key::Method: return QString::fromUtf8(summary.method);
    case Key::Target: return QString::fromUtf8(summary.target);
    case Key::Status: return summary.responseStatus;
    case Key::BodySize: return summary.bodySize;
    case Key::ContentType: return QString::fromUtf8(summary.contentType);
    case Key::Source: return summary.remoteAddress;
    case Key::Starred: return int(summary.starred);
    case Key::Rule: return summary.rule;
    }
    return summary.id;
}

} // namespace Hookscope
