#pragma once

#include "capturesummary.h"

#include <QStringList>
#include <QVariant>

#include <optional>

namespace Hookscope {

// What the filter box and `list --search` accept: free words and "quoted phrases" (searched
// in paths, headers and bodies) plus field terms:
//   method:POST   path:/stripe (prefix)   status:404 | status:4xx | status:none
//   type:json (content type contains)   is:malformed   is:starred
//   event:invoice.paid (the event type the request delivers, any case; see eventType())
//   is:drift (its payload differs from its event type's shape: EventAnalyzer)
//   after:2026-12-01T14:05:00 (arrived then or later)   before:… (arrived earlier), local time
// A field's value may be quoted to hold spaces: event:"order created".
class CaptureQuery final
{
public:
    // On a term it cannot read, returns an empty query and says why in `error`.
    static CaptureQuery parse(const QString &text, QString *error = nullptr);

    bool isEmpty() const;
    bool hasText() const { return !m_textTerms.isEmpty(); }
    const QStringList &textTerms() const { return m_textTerms; }
    // Whether a capture's bytes decide (free text, the event type): then only the store can
    // judge a new capture.
    bool needsBytes() const { return hasText() || !m_eventType.isEmpty() || m_driftOnly; }
    // Whether a summary passes the terms a summary holds (not free text, not the event type).
    bool matchesFields(const CaptureSummary &summary) const;
    // SQL conditions on `captures c` for the field terms ("1" when there are none), with their
    // values in order for binding. The event type is looked up in the search index (attached
    // as `search`), and worked out from the bytes for captures it has not reached
    // (CaptureStore registers the function that does).
    QString sqlConditions(QVariantList *values) const;

private:
    QStringList m_textTerms;
    QByteArray m_method;
    QByteArray m_pathPrefix;
    QByteArray m_contentType;
    QString m_eventType;
    int m_statusMin = -1; // -1: any status
    int m_statusMax = -1;
    bool m_malformedOnly = false;
    bool m_starredOnly = false;
    bool m_driftOnly = false;
    std::optional<qint64> m_afterUs; // µs since the epoch
    std::optional<qint64> m_beforeUs;
};

} // namespace Hookscope
