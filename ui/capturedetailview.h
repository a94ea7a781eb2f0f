#pragma once

#include "textview.h"

#include "body/bodyformatter.h"
#include "store/deliverylog.h"
#include "wire/capturedrequest.h"
#include "signing/signature.h"

#include <QFutureWatcher>
#include <QWidget>

#include <functional>

class QFormLayout;
class QLabel;
class QStackedWidget;
class QTableWidget;
class QTabWidget;
class QTreeView;

namespace Hookscope {

class BodyPartsView;
class DeliveriesView;
class HexView;
class ResponseView;
class SignatureView;
class JsonTreeModel;
class TextPane;

// A body made ready for the Body tabs; for large bodies all of it is done off the GUI thread.
struct PreparedBody
{
    FormattedBody formatted;
    QString prettyText; // the formatter's error, if any, above the text
    LineIndex prettyLines;
    QString rawText;
    LineIndex rawLines;
    static PreparedBody prepare(const QByteArray &body, const QByteArray &contentType, bool binary);
};

// Every part of one capture, a tab each: Overview, Headers, Query, Body (Pretty, Tree for JSON,
// Parts for forms and multipart, Raw, Hex), the request exactly as received (Wire), what
// Hookscope answered (Response), where it was sent on (Deliveries) and its signature verdict.
// Bodies over a size are formatted off the GUI thread.
class CaptureDetailView final : public QWidget
{
    Q_OBJECT
public:
    enum Tab {
        OverviewTab,
        HeadersTab,
        QueryTab,
        BodyTab,
        WireTab,
        ResponseTab,
        DeliveriesTab,
        SignatureTab
    };
    enum BodyMode { PrettyBody, TreeBody, PartsBody, RawBody, HexBody };

    explicit CaptureDetailView(QWidget *parent = nullptr);

    // `baseUrl` completes the overview's URL (the receiver's address).
    void showCapture(const CapturedRequest &request, const QString &baseUrl);
    void clear();
    bool hasCapture() const { return m_hasCapture; }
    const CapturedRequest &capture() const { return m_request; }
    // The shown capture's event id (eventId()); empty when it names none.
    const QString &eventId() const { return m_eventId; }

    QTabWidget *tabs() const { return m_tabs; }
    QTabWidget *bodyTabs() const { return m_bodyTabs; }
    QTableWidget *headersTable() const { return m_headers; }
    QTableWidget *queryTable() const { return m_query; }
    TextPane *prettyBody() const { return m_pretty; }
    TextPane *rawBody() const { return m_rawBody; }
    HexView *hexBody() const { return m_hex; }
    // The Wire tab: the request as text, or in hex when it is binary.
    TextPane *wireText() const { return m_rawText; }
    HexView *wireHex() const { return m_rawHex; }
    QTreeView *jsonTree() const { return m_tree; }
    BodyPartsView *bodyParts() const { return m_parts; }
    ResponseView *response() const { return m_response; }
    DeliveriesView *deliveries() const { return m_deliveries; }
    // Where the shown capture was forwarded or replayed, and how it went.
    void setDeliveries(const QList<DeliveryRecord> &deliveries);
    // For the Overview: the other captures of the shown one's event (CaptureStore::sameEvent)
    // and how its payload differed from its type's shape (CaptureStore::driftOf).
    void setEventHistory(const QList<qint64> &sameEvent, const std::optional<QStringList> &drift);
    SignatureView *signature() const { return m_signature; }
    // The shown capture's signature verdict; nothing while it is being checked.
    void setSignature(const std::optional<SignatureVerdict> &verdict);
    QString overviewText() const;

signals:
    void saveBodyRequested();
    void savePartRequested(const BodyPart &part);
    // Pretty text of the current body is ready (at once for small bodies).
    void bodyFormatted();

private:
    void fillOverview();
    // The event the capture delivers: type and id, other deliveries of it, its envelope.
    void addEventRows(const std::function<void(const QString &, const QString &)> &addRow);
    void fillHeaders();
    void fillQuery();
    void fillBody();
    void showPrepared(const PreparedBody &prepared);
    void copyHeaders(bool selectedOnly);
    void showPreferredBodyTab();

    CapturedRequest m_request;
    QString m_eventType; // of m_request, worked out once when it is shown
    QString m_eventId;
    QList<qint64> m_sameEvent;
    std::optional<QStringList> m_drift;
    QByteArray m_decodedBody;
    bool m_hasCapture = false;
    QString m_baseUrl;
    quint64 m_generation = 0;
    int m_preferredBodyTab = PrettyBody; // the body tab the user chose last
    bool m_adjustingTabs = false;

    QTabWidget *m_tabs;
    QWidget *m_overview;
    QFormLayout *m_overviewForm;
    QTableWidget *m_headers;
    QTableWidget *m_query;
    QTabWidget *m_bodyTabs;
    TextPane *m_pretty;
    QTreeView *m_tree;
    JsonTreeModel *m_treeModel;
    BodyPartsView *m_parts;
    ResponseView *m_response;
    DeliveriesView *m_deliveries;
    SignatureView *m_signature;
    TextPane *m_rawBody;
    HexView *m_hex;
    QStackedWidget *m_rawStack;
    TextPane *m_rawText;
    HexView *m_rawHex;
    QFutureWatcher<PreparedBody> m_formatting;
};

} // namespace Hookscope
