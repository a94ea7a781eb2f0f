#include "capturedetailview.h"

#include "bodypartsview.h"
#include "deliveriesview.h"
#include "signatureview.h"
#include "hexview.h"
#include "responseview.h"
#include "jsontreemodel.h"
#include "textpane.h"

#include "wire/captureorigin.h"
#include "wire/eventenvelope.h"
#include "wire/eventtype.h"
#include "wire/responsespec.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QStackedWidget>
#include <QTabBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QTreeView>
#include <QUrlQuery>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace Hookscope {
namespace {

// Bodies up to this size are formatted at once; larger ones on a worker thread.
constexpr qsizetype SynchronousFormatLimit = 256 * 1024;

// Expand All opens every level of documents up to this size, the first three of larger ones.
constexpr qsizetype ExpandAllLimit = 1024 * 1024;

QTableWidget *makeTable(const QStringList &labels, QWidget *parent)
{
    auto *table = new QTableWidget(0, int(labels.size()), parent);
    table->setHorizontalHeaderLabels(labels);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setWordWrap(false);
    table->setShowGrid(false);
    table->setAlternatingRowColors(true);
    table->setTabKeyNavigation(false); // Tab leaves the table; arrows move in it
    return table;
}

void fillTable(QTableWidget *table, const QList<std::pair<QString, QString>> &rows)
{
    table->setRowCount(int(rows.size()));
    for (int row = 0; row < rows.size(); ++row) {
        table->setItem(row, 0, new QTableWidgetItem(rows[row].first));
        table->setItem(row, 1, new QTableWidgetItem(rows[row].second));
    }
    table->resizeColumnToContents(0);
}

QString formatDuration(qint64 microseconds)
{
    if (microseconds < 1000)
        return QStringLiteral("%1 µs").arg(microseconds);
    if (microseconds < 1'000'000)
        return QStringLiteral("%1 ms").arg(double(microseconds) / 1000.0, 0, 'f', 2);
    return QStringLiteral("%1 s").arg(double(microseconds) / 1e6, 0, 'f', 2);
}

} // namespace

CaptureDetailView::CaptureDetailView(QWidget *parent)
    : QWidget(parent)
    , m_tabs(new QTabWidget(this))
    , m_overview(new QWidget(this))
    , m_overviewForm(new QFormLayout(m_overview))
    , m_headers(makeTable({tr("Name"), tr("Value")}, this))
    , m_query(makeTable({tr("Name"), tr("Value")}, this))
    , m_bodyTabs(new QTabWidget(this))
    , m_pretty(new TextPane(this))
    , m_tree(new QTreeView(this))
    , m_treeModel(new JsonTreeModel(this))
    , m_parts(new BodyPartsView(this))
    , m_response(new ResponseView(this))
    , m_deliveries(new DeliveriesView(this))
    , m_signature(new SignatureView(this))
    , m_rawBody(new TextPane(this))
    , m_hex(new HexView(this))
    , m_rawStack(new QStackedWidget(this))
    , m_rawText(new TextPane(this))
    , m_rawHex(new HexView(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);

    m_overviewForm->setLabelAlignment(Qt::AlignRight | Qt::AlignTop);
    m_overviewForm->setRowWrapPolicy(QFormLayout::WrapLongRows);

    m_headers->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto *copySelected = new QAction(tr("Copy"), m_headers);
    copySelected->setShortcut(QKeySequence::Copy);
    copySelected->setShortcutContext(Qt::WidgetShortcut);
    connect(copySelected, &QAction::triggered, this, [this] { copyHeaders(true); });
    auto *copyAll = new QAction(tr("Copy All Headers"), m_headers);
    connect(copyAll, &QAction::triggered, this, [this] { copyHeaders(false); });
    m_headers->addActions({copySelected, copyAll});

    m_bodyTabs->setDocumentMode(true);
    m_tree->setModel(m_treeModel);
    m_tree->setUniformRowHeights(true); // a level of 100,000 items lays out at once
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setStretchLastSection(true);
    m_tree->header()->resizeSection(JsonTreeModel::NameColumn, 220);
    // Right-click (or the keys) on a member: its value or its path to the clipboard; the whole
    // tree open or closed at once.
    m_tree->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto *copyValue = new QAction(tr("Copy Value"), m_tree);
    copyValue->setShortcut(QKeySequence::Copy);
    copyValue->setShortcutContext(Qt::WidgetShortcut);
    connect(copyValue, &QAction::triggered, this, [this] {
        QApplication::clipboard()->setText(m_treeModel->valueText(m_tree->currentIndex()));
    });
    auto *copyPath = new QAction(tr("Copy Path"), m_tree);
    copyPath->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    copyPath->setShortcutContext(Qt::WidgetShortcut);
    connect(copyPath, &QAction::triggered, this, [this] {
        QApplication::clipboard()->setText(m_treeModel->path(m_tree->currentIndex()));
    });
    auto *expandAll = new QAction(tr("Expand All"), m_tree);
    connect(expandAll, &QAction::triggered, this, [this] {
        // Every level of a large document would take long to lay out: the first few.
        if (m_treeModel->documentSize() <= ExpandAllLimit)
            m_tree->expandAll();
        else
            m_tree->expandToDepth(2);
    });
    auto *collapseAll = new QAction(tr("Collapse All"), m_tree);
    connect(collapseAll, &QAction::triggered, m_tree, &QTreeView::collapseAll);
    m_tree->addActions({copyValue, copyPath, expandAll, collapseAll});
    connect(m_parts, &BodyPartsView::saveRequested, this, &CaptureDetailView::savePartRequested);
    m_bodyTabs->addTab(m_pretty, tr("Pretty"));
    m_bodyTabs->addTab(m_tree, tr("Tree"));
    m_bodyTabs->addTab(m_parts, tr("Parts"));
    m_bodyTabs->addTab(m_rawBody, tr("Raw"));
    m_bodyTabs->addTab(m_hex, tr("Hex"));
    auto *saveBody = new QPushButton(tr("Save Body As…"), this);
    saveBody->setFlat(true);
    connect(saveBody, &QPushButton::clicked, this, &CaptureDetailView::saveBodyRequested);
    m_bodyTabs->setCornerWidget(saveBody, Qt::TopRightCorner);

    connect(m_bodyTabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (!m_adjustingTabs)
            m_preferredBodyTab = index;
    });
    m_rawStack->addWidget(m_rawText);
    m_rawStack->addWidget(m_rawHex);

    m_tabs->setDocumentMode(true);
    // Every tab stays in sight on a narrow pane (the signature verdict is the last one): their
    // labels shorten instead of scrolling out of view.
    m_tabs->tabBar()->setUsesScrollButtons(false);
    m_tabs->tabBar()->setElideMode(Qt::ElideRight);
    // Scrolled, so that a long unbroken value (a 3,000-character path) widens the overview,
    // not the pane: the splitter does not move for what a capture holds.
    auto *overviewScroll = new QScrollArea(this);
    overviewScroll->setWidget(m_overview);
    overviewScroll->setWidgetResizable(true);
    overviewScroll->setFrameShape(QFrame::NoFrame);
    m_tabs->addTab(overviewScroll, tr("Overview"));
    m_tabs->addTab(m_headers, tr("Headers"));
    m_tabs->addTab(m_query, tr("Query"));
    m_tabs->addTab(m_bodyTabs, tr("Body"));
    // "Wire", not a second "Raw" beside the body's: the whole request as it came over the wire.
    m_tabs->addTab(m_rawStack, tr("Wire"));
    m_tabs->setTabToolTip(WireTab, tr("The request exactly as it arrived, byte for byte"));
    m_tabs->addTab(m_response, tr("Response"));
    m_tabs->setTabToolTip(ResponseTab, tr("What Hookscope answered, and who chose the answer"));
    m_tabs->addTab(m_deliveries, tr("Deliveries"));
    m_tabs->addTab(m_signature, tr("Signature"));
    // Never narrower than its tabs: a splitter beside it stops there rather than cutting their
    // names (a count or verdict added to one, "Deliveries (3)", may still shorten it a little).
    setMinimumWidth(m_tabs->tabBar()->sizeHint().width()
                    + m_tabs->tabBar()->fontMetrics().horizontalAdvance(QStringLiteral(" (9)")));

    connect(&m_formatting, &QFutureWatcher<PreparedBody>::finished, this, [this] {
        if (m_formatting.property("generation").toULongLong() == m_generation)
            showPrepared(m_formatting.result());
    });
    clear();
}

void CaptureDetailView::clear()
{
    m_hasCapture = false;
    m_request = CapturedRequest();
    m_decodedBody.clear();
    m_eventType.clear();
    m_eventId.clear();
    ++m_generation;
    while (m_overviewForm->rowCount() > 0)
        m_overviewForm->removeRow(0);
    auto *empty = new QLabel(tr("Select a capture to see every part of it."), m_overview);
    empty->setForegroundRole(QPalette::PlaceholderText);
    m_overviewForm->addRow(empty);
    m_headers->setRowCount(0);
    m_query->setRowCount(0);
    m_pretty->setText(QString());
    m_rawBody->setText(QString());
    m_hex->setBytes({});
    m_rawText->setText(QString());
    m_rawHex->setBytes({});
    m_response->clear();
    setDeliveries({});
    SignatureVerdict nothing;
    nothing.outcome = SignatureVerdict::Outcome::NotSigned;
    setSignature(nothing);
    setEnabled(false);
}

void CaptureDetailView::setSignature(const std::optional<SignatureVerdict> &verdict)
{
    m_signature->setVerdict(verdict);
    const QString mark = verdict ? SignatureView::outcomeText(verdict->outcome).left(1) : QString();
    m_tabs->setTabText(SignatureTab,
                       mark == QStringLiteral("\u2713") || mark == QStringLiteral("\u2717")
                           ? tr("Signature %1").arg(mark)
                           : tr("Signature"));
}

void CaptureDetailView::setDeliveries(const QList<DeliveryRecord> &deliveries)
{
    m_deliveries->setDeliveries(deliveries);
    const auto proxied = std::find_if(deliveries.cbegin(), deliveries.cend(),
                                      [](const DeliveryRecord &record) { return record.proxied; });
    m_response->setProxyTarget(proxied == deliveries.cend() ? QString() : proxied->target);
    m_tabs->setTabText(DeliveriesTab, deliveries.isEmpty()
                                          ? tr("Deliveries")
                                          : tr("Deliveries (%1)").arg(deliveries.size()));
}

void CaptureDetailView::showCapture(const CapturedRequest &request, const QString &baseUrl)
{
    m_request = request;
    m_decodedBody = request.decodedBody();
    m_baseUrl = baseUrl;
    // Parsed once here, not each time the Overview is filled again.
    const QJsonObject json = jsonBodyOf(request);
    m_eventType = Hookscope::eventType(request, json);
    m_eventId = Hookscope::eventId(request, json);
    m_sameEvent.clear();
    m_drift.reset();
    m_hasCapture = true;
    ++m_generation;
    setEnabled(true);
    setSignature(std::nullopt); // being checked
    fillOverview();
    fillHeaders();
    fillQuery();
    fillBody();
    m_response->showResponse(request);
    const bool binaryRaw = BodyFormatter::looksBinary(request.raw);
    // A malformed request: the byte the parser stopped at is marked where it is shown.
    const qsizetype brokeAt = request.parseErrorOffset();
    if (binaryRaw) {
        m_rawHex->setBytes(request.raw);
        m_rawHex->markByte(brokeAt);
        m_rawStack->setCurrentWidget(m_rawHex);
    } else {
        m_rawText->setText(QString::fromUtf8(request.raw));
        if (brokeAt >= 0) {
            // By line and column: the editor keeps CR LF as one line break.
            const QByteArray before = request.raw.left(brokeAt);
            const qsizetype lineStart = before.lastIndexOf('\n') + 1;
            QByteArray column = before.mid(lineStart);
            if (column.endsWith('\r'))
                column.chop(1);
            m_rawText->markAt(before.count('\n'), QString::fromUtf8(column).size());
        }
        m_rawStack->setCurrentWidget(m_rawText);
    }
    m_tabs->setTabToolTip(WireTab, brokeAt >= 0 ? tr("The request exactly as it arrived; the "
                                                     "marked byte is where it stopped making "
                                                     "sense: %1")
                                                      .arg(request.parseError)
                                                : tr("The request exactly as it arrived, byte "
                                                     "for byte"));
}

QString CaptureDetailView::overviewText() const
{
    QStringList lines;
    for (int row = 0; row < m_overviewForm->rowCount(); ++row) {
        const auto *label = qobject_cast<QLabel *>(
            m_overviewForm->itemAt(row, QFormLayout::LabelRole)
                ? m_overviewForm->itemAt(row, QFormLayout::LabelRole)->widget()
                : nullptr);
        const auto *field = qobject_cast<QLabel *>(
            m_overviewForm->itemAt(row, QFormLayout::FieldRole)
                ? m_overviewForm->itemAt(row, QFormLayout::FieldRole)->widget()
                : nullptr);
        lines.append((label ? label->text() + QLatin1Char(' ') : QString())
                     + (field ? field->text() : QString()));
    }
    return lines.join(QLatin1Char('\n'));
}

void CaptureDetailView::fillOverview()
{
    while (m_overviewForm->rowCount() > 0)
        m_overviewForm->removeRow(0);
    const auto addRow = [this](const QString &label, const QString &value) {
        auto *field = new QLabel(value, m_overview);
        field->setTextInteractionFlags(Qt::TextSelectableByMouse);
        field->setTextFormat(Qt::PlainText);
        field->setWordWrap(true);
        m_overviewForm->addRow(label, field);
    };
    const CapturedRequest &request = m_request;
    QString base = m_baseUrl;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    if (!request.parseError.isEmpty())
        addRow(tr("Malformed:"), request.parseError);
    if (!request.note.isEmpty())
        addRow(tr("Note:"), request.note);
    // A relayed capture never reached the receiver's socket: no URL of ours, no peer.
    const bool relayed = !request.relay.isEmpty();
    addRow(tr("Request:"),
           QString::fromLatin1(request.method.isEmpty() ? QByteArray("?") : request.method)
               + QLatin1Char(' ') + (relayed ? QString() : base)
               + QString::fromUtf8(request.target));
    addRow(tr("Protocol:"), request.overTls
                                ? tr("%1 over TLS").arg(QString::fromLatin1(request.httpVersion))
                                : QString::fromLatin1(request.httpVersion));
    if (!relayed)
        addRow(tr("From:"), QStringLiteral("%1 port %2")
                                .arg(request.remoteAddress.toString())
                                .arg(request.remotePort));
    if (const CaptureOrigin origin = CaptureOrigin::of(request); !origin.via.isEmpty()) {
        QString through = origin.via;
        if (!origin.publicUrl.isEmpty())
            through += tr(", sent to %1").arg(origin.publicUrl);
        if (!origin.client.isEmpty())
            through += tr(" by %1").arg(origin.client);
        if (!request.relay.isEmpty())
            through += tr(". smee.io passes bodies on re-serialized (JSON parsed and written "
                          "again), not as the provider sent them: a signature over the exact "
                          "bytes does not verify here.");
        addRow(tr("Came through:"), through);
    }
    const QDateTime received = QDateTime::fromMSecsSinceEpoch(request.receivedAtUs / 1000);
    addRow(tr("Received:"),
           QLocale().toString(received, QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz t")));
    addRow(tr("Took:"), formatDuration(request.durationUs));
    const QLocale locale;
    QString sizes = tr("%1 on the wire, body %2")
                        .arg(locale.formattedDataSize(request.raw.size()),
                             locale.formattedDataSize(request.body.size()));
    if (m_decodedBody.size() != request.body.size())
        sizes += tr(" (%1 decoded)").arg(locale.formattedDataSize(m_decodedBody.size()));
    addRow(tr("Size:"), sizes);
    const QByteArray contentType = request.contentType();
    addRow(tr("Content type:"),
           contentType.isEmpty() ? tr("none") : QString::fromUtf8(contentType));
    QString answered
        = request.responseStatus
              ? QStringLiteral("%1 %2")
                    .arg(request.responseStatus)
                    .arg(QString::fromLatin1(ResponseSpec::reasonPhrase(request.responseStatus)))
          : relayed ? tr("nothing: the relay answered the provider itself")
          : request.rule.isEmpty()
              ? tr("nothing (the connection ended first)")
              : tr("nothing (a fault the rule asked for: closed, reset or left hanging)");
    if (!request.rule.isEmpty())
        answered += tr(" — by the mock rule \"%1\"").arg(request.rule);
    addRow(tr("Answered:"), answered);
    addEventRows(addRow);
}

void CaptureDetailView::addEventRows(
    const std::function<void(const QString &, const QString &)> &addRow)
{
    const QString &type = m_eventType;
    const QString &id = m_eventId;
    if (!type.isEmpty() || !id.isEmpty())
        addRow(tr("Event:"), id.isEmpty()     ? type
                             : type.isEmpty() ? tr("id %1").arg(id)
                                              : tr("%1, id %2").arg(type, id));
    if (!m_sameEvent.isEmpty()) {
        // At least once, out of order: the handler should take the same event twice calmly.
        QStringList earlier;
        QStringList later;
        for (const qint64 other : std::as_const(m_sameEvent))
            (other < m_request.id ? earlier : later)
                .append(QLatin1Char('#') + QString::number(other));
        QStringList parts;
        if (!earlier.isEmpty())
            parts << tr("delivered before as %1").arg(earlier.join(QStringLiteral(", ")));
        if (!later.isEmpty())
            parts << tr("again as %1").arg(later.join(QStringLiteral(", ")));
        addRow(tr("Duplicate:"), tr("the same event, %1").arg(parts.join(tr(", and "))));
    }
    if (m_drift && !m_drift->isEmpty())
        addRow(tr("Drift:"), tr("differs from the %1 payloads before it (filter: is:drift):\n%2")
                                 .arg(type, m_drift->join(QLatin1Char('\n'))));
    const EventEnvelope envelope = EventEnvelope::of(m_request);
    if (envelope.kind == EventEnvelope::Kind::None)
        return;
    QStringList lines{envelope.name()};
    for (const auto &[name, value] : envelope.attributes)
        lines << QStringLiteral("%1: %2").arg(name, value);
    if (envelope.kind == EventEnvelope::Kind::StandardWebhooks) {
        bool ok = false;
        const qint64 sentAt = envelope.attribute(QStringLiteral("timestamp")).toLongLong(&ok);
        if (ok)
            lines.last() += QStringLiteral(" (%1)").arg(
                QLocale().toString(QDateTime::fromSecsSinceEpoch(sentAt, Qt::UTC),
                                   QStringLiteral("yyyy-MM-dd HH:mm:ss t")));
    }
    addRow(tr("Envelope:"), lines.join(QLatin1Char('\n')));
}

void CaptureDetailView::setEventHistory(const QList<qint64> &sameEvent,
                                        const std::optional<QStringList> &drift)
{
    if (sameEvent == m_sameEvent && drift == m_drift)
        return;
    m_sameEvent = sameEvent;
    m_drift = drift;
    if (m_hasCapture)
        fillOverview();
}

void CaptureDetailView::fillHeaders()
{
    QList<std::pair<QString, QString>> rows;
    for (const HeaderField &header : m_request.headers)
        rows.append({QString::fromLatin1(header.name), QString::fromUtf8(header.value)});
    fillTable(m_headers, rows);
}

void CaptureDetailView::fillQuery()
{
    QList<std::pair<QString, QString>> rows;
    QByteArray query = m_request.query();
    query.replace('+', "%20");
    for (const auto &[name, value] :
         QUrlQuery(QString::fromUtf8(query)).queryItems(QUrl::FullyDecoded))
        rows.append({name, value});
    fillTable(m_query, rows);
    m_tabs->setTabText(QueryTab, rows.isEmpty() ? tr("Query") : tr("Query (%1)").arg(rows.size()));
}

void CaptureDetailView::fillBody()
{
    m_hex->setBytes(m_decodedBody);
    const bool binary = BodyFormatter::looksBinary(m_decodedBody);
    m_adjustingTabs = true; // disabling the current tab moves the tab bar elsewhere
    m_bodyTabs->setTabEnabled(PrettyBody, !binary);
    m_bodyTabs->setTabEnabled(RawBody, !binary);
    // Tree and Parts wait for the formatter; until then they are off.
    m_bodyTabs->setTabEnabled(TreeBody, false);
    m_bodyTabs->setTabEnabled(PartsBody, false);
    m_treeModel->setJson({});
    m_parts->setParts({}, QString());
    showPreferredBodyTab();
    m_adjustingTabs = false;

    const QByteArray contentType = m_request.contentType();
    if (m_decodedBody.size() <= SynchronousFormatLimit) {
        showPrepared(PreparedBody::prepare(m_decodedBody, contentType, binary));
        return;
    }
    const QString waiting
        = tr("Formatting %1…").arg(QLocale().formattedDataSize(m_decodedBody.size()));
    m_pretty->setText(waiting);
    m_rawBody->setText(waiting);
    m_formatting.setProperty("generation", QVariant::fromValue(m_generation));
    m_formatting.setFuture(QtConcurrent::run([body = m_decodedBody, contentType, binary] {
        return PreparedBody::prepare(body, contentType, binary);
    }));
}

PreparedBody PreparedBody::prepare(const QByteArray &body, const QByteArray &contentType,
                                   bool binary)
{
    PreparedBody prepared;
    prepared.formatted = BodyFormatter::format(body, contentType);
    // Binary bytes never render as text: they open in Hex.
    prepared.rawText
        = binary ? CaptureDetailView::tr("Binary body: see Hex.") : QString::fromUtf8(body);
    const FormattedBody &formatted = prepared.formatted;
    if (formatted.kind != FormattedBody::Kind::Empty
        && formatted.kind != FormattedBody::Kind::Binary)
        prepared.prettyText = formatted.error.isEmpty()
                                  ? formatted.text
                                  : formatted.error + QStringLiteral("\n\n") + formatted.text;
    // Only texts past the editor's limit go to the lazy view, which needs the index.
    if (prepared.prettyText.size() > TextPane::EditorLimit)
        prepared.prettyLines = LineIndex::of(prepared.prettyText);
    if (prepared.rawText.size() > TextPane::EditorLimit)
        prepared.rawLines = LineIndex::of(prepared.rawText);
    return prepared;
}

void CaptureDetailView::showPrepared(const PreparedBody &prepared)
{
    const FormattedBody &formatted = prepared.formatted;
    m_rawBody->setText(prepared.rawText, TextPane::Syntax::Plain, prepared.rawLines);
    m_pretty->setPlaceholderText(formatted.kind == FormattedBody::Kind::Empty ? tr("No body.")
                                                                              : QString());
    m_pretty->setText(prepared.prettyText,
                      formatted.kind == FormattedBody::Kind::Json ? TextPane::Syntax::Json
                                                                  : TextPane::Syntax::Plain,
                      prepared.prettyLines);
    m_adjustingTabs = true;
    const bool tree = formatted.kind == FormattedBody::Kind::Json
                      && m_decodedBody.trimmed().size() > 2; // not an empty {} or []
    if (tree)
        m_treeModel->setJson(m_decodedBody);
    m_bodyTabs->setTabEnabled(TreeBody, tree);
    const bool parts = !formatted.parts.isEmpty() || !formatted.partsError.isEmpty();
    m_parts->setParts(formatted.parts, formatted.partsError);
    m_bodyTabs->setTabEnabled(PartsBody, parts);
    m_bodyTabs->setTabText(PartsBody,
                           parts ? tr("Parts (%1)").arg(formatted.parts.size()) : tr("Parts"));
    showPreferredBodyTab();
    m_adjustingTabs = false;
    // The size in the tab's tooltip (and the Overview), not its label: the tabs keep their
    // names on a narrow pane.
    m_tabs->setTabToolTip(
        BodyTab, m_decodedBody.isEmpty()
                     ? tr("No body")
                     : tr("The body, %1").arg(QLocale().formattedDataSize(m_decodedBody.size())));
    emit bodyFormatted();
}

void CaptureDetailView::showPreferredBodyTab()
{
    // The tab the user last chose when this body has it; otherwise the most readable one, and
    // the parts of a binary multipart body rather than its hex.
    const bool parts = m_bodyTabs->isTabEnabled(PartsBody);
    BodyMode mode = BodyMode(m_preferredBodyTab);
    if (!m_bodyTabs->isTabEnabled(mode) || (mode == HexBody && parts))
        mode = m_bodyTabs->isTabEnabled(PrettyBody) ? PrettyBody : parts ? PartsBody : HexBody;
    m_bodyTabs->setCurrentIndex(mode);
}

void CaptureDetailView::copyHeaders(bool selectedOnly)
{
    QStringList lines;
    for (int row = 0; row < m_headers->rowCount(); ++row) {
        if (selectedOnly && !m_headers->item(row, 0)->isSelected())
            continue;
        lines.append(m_headers->item(row, 0)->text() + QStringLiteral(": ")
                     + m_headers->item(row, 1)->text());
    }
    QApplication::clipboard()->setText(lines.join(QLatin1Char('\n')));
}

} // namespace Hookscope
