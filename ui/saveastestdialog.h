#pragma once

#include "collections/collection.h"

#include <QDialog>

class QLabel;
class QTreeWidget;

namespace Hookscope {

class CaptureStore;
class DeliveryLog;

// Capture → Save as Test…: the selected captures become collection requests that expect what
// their target answered when they were forwarded or replayed there: the status, and the fields
// of the answer ticked here (each request its own answer's values).
class SaveAsTestDialog final : public QDialog
{
    Q_OBJECT
public:
    struct Source
    {
        CapturedRequest capture;
        std::optional<DeliveryResult> answer; // the latest; none: never forwarded or replayed
        QString target;                       // where that answer came from
    };

    explicit SaveAsTestDialog(const QList<Source> &sources, QWidget *parent = nullptr);
    // The captures `ids` with their latest answer from `deliveries`; one never sent on gets
    // `fallbackTarget` (where replays go), never this receiver.
    static QList<Source> sourcesFor(const QList<qint64> &ids, CaptureStore &store,
                                    DeliveryLog &deliveries, const QString &fallbackTarget);

    // The requests, named and signed as Save to Collection makes them.
    Collection tests(const QList<SignatureBinding> &bindings) const;
    QTreeWidget *fields() const { return m_fields; }
    QLabel *note() const { return m_note; }

private:
    QList<Source> m_sources;
    QTreeWidget *m_fields;
    QLabel *m_note;
};

} // namespace Hookscope
