#pragma once

#include "body/bodyparts.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QStackedWidget;
class QTableWidget;

namespace Hookscope {

class HexView;
class TextPane;

// Form fields or multipart parts in a table; the selected one shown in full below (as text,
// or in hex when binary) and savable on its own.
class BodyPartsView final : public QWidget
{
    Q_OBJECT
public:
    explicit BodyPartsView(QWidget *parent = nullptr);

    void setParts(const QList<BodyPart> &parts, const QString &error);
    const QList<BodyPart> &parts() const { return m_parts; }
    QTableWidget *table() const { return m_table; }
    TextPane *textPreview() const { return m_text; }
    HexView *hexPreview() const { return m_hex; }

signals:
    void saveRequested(const BodyPart &part);

private:
    void showPart(int row);

    QList<BodyPart> m_parts;
    QLabel *m_error;
    QTableWidget *m_table;
    QStackedWidget *m_preview;
    TextPane *m_text;
    HexView *m_hex;
    QPushButton *m_save;
};

} // namespace Hookscope
