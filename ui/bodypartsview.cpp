#include "bodypartsview.h"

#include "hexview.h"
#include "textpane.h"

#include "body/bodyformatter.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Hookscope {

BodyPartsView::BodyPartsView(QWidget *parent)
    : QWidget(parent)
    , m_error(new QLabel(this))
    , m_table(new QTableWidget(0, 4, this))
    , m_preview(new QStackedWidget(this))
    , m_text(new TextPane(this))
    , m_hex(new HexView(this))
    , m_save(new QPushButton(tr("Save Part As…"), this))
{
    m_error->setWordWrap(true);
    m_error->setForegroundRole(QPalette::BrightText);
    m_error->hide();
    m_table->setHorizontalHeaderLabels(
        {tr("Name"), tr("File name"), tr("Content type"), tr("Size")});
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    m_preview->addWidget(m_text);
    m_preview->addWidget(m_hex);
    m_save->setEnabled(false);

    auto *below = new QWidget(this);
    auto *belowLayout = new QVBoxLayout(below);
    belowLayout->setContentsMargins(0, 0, 0, 0);
    belowLayout->addWidget(m_preview);
    belowLayout->addWidget(m_save, 0, Qt::AlignRight);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(below);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_error);
    layout->addWidget(splitter);

    connect(m_table, &QTableWidget::currentCellChanged, this, [this](int row) { showPart(row); });
    connect(m_save, &QPushButton::clicked, this, [this] {
        if (const int row = m_table->currentRow(); row >= 0 && row < m_parts.size())
            emit saveRequested(m_parts.at(row));
    });
}

void BodyPartsView::setParts(const QList<BodyPart> &parts, const QString &error)
{
    m_parts = parts;
    m_error->setText(error);
    m_error->setVisible(!error.isEmpty());
    m_table->setRowCount(int(parts.size()));
    const QLocale locale;
    for (int row = 0; row < parts.size(); ++row) {
        const BodyPart &part = parts.at(row);
        const QStringList cells{part.name, part.fileName, QString::fromUtf8(part.contentType),
                                locale.formattedDataSize(part.data.size())};
        for (int column = 0; column < cells.size(); ++column)
            m_table->setItem(row, column, new QTableWidgetItem(cells.at(column)));
    }
    m_table->resizeColumnsToContents();
    if (parts.isEmpty())
        showPart(-1);
    else
        m_table->setCurrentCell(0, 0);
}

void BodyPartsView::showPart(int row)
{
    m_save->setEnabled(row >= 0 && row < m_parts.size());
    if (row < 0 || row >= m_parts.size()) {
        m_text->setText(QString());
        m_preview->setCurrentWidget(m_text);
        return;
    }
    const QByteArray &data = m_parts.at(row).data;
    if (BodyFormatter::looksBinary(data)) {
        m_hex->setBytes(data);
        m_preview->setCurrentWidget(m_hex);
    } else {
        m_text->setText(QString::fromUtf8(data));
        m_preview->setCurrentWidget(m_text);
    }
}

} // namespace Hookscope
