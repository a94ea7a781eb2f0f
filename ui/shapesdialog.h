#pragma once

#include "wire/payloadshape.h"

#include <QDialog>

class QLabel;
class QListWidget;
class QPushButton;
class QTreeWidget;

namespace Hookscope {

class CaptureStore;

// View → Event Shapes…: the event types that arrived, and for the one picked, the shape of its
// payloads as a tree (each field's types, how often it is there, its values), to export as a
// JSON Schema or TypeScript, or to list its captures (and those that differ) in the window.
class ShapesDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit ShapesDialog(CaptureStore &store, QWidget *parent = nullptr);

    QListWidget *types() const { return m_types; }
    QTreeWidget *fields() const { return m_fields; }
    // Writes the shown shape; false, saying why in the dialog, when it cannot.
    bool exportTo(const QString &path, bool typeScript);

signals:
    // The capture list should show what matches this filter.
    void filterRequested(const QString &filter);

private:
    void showShape();
    void askExport(bool typeScript);
    QString currentType() const;

    CaptureStore &m_store;
    PayloadShape m_shape;
    QListWidget *m_types;
    QTreeWidget *m_fields;
    QLabel *m_summary;
    QLabel *m_problem;
    QList<QPushButton *> m_forShape; // enabled while a shape is shown
};

} // namespace Hookscope
