// Renders the scalable icon as a PNG of one size, for the desktops that look for fixed sizes.
// A build-time tool: rendericon SVG SIZE OUTPUT.png (on the offscreen platform).
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>

#include <cstdio>

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    const QStringList arguments = QGuiApplication::arguments();
    bool ok = false;
    const int size = arguments.value(2).toInt(&ok);
    QSvgRenderer renderer(arguments.value(1));
    if (arguments.size() != 4 || !ok || size <= 0 || !renderer.isValid()) {
        std::fprintf(stderr, "usage: rendericon SVG SIZE OUTPUT.png (a readable SVG)\n");
        return 2;
    }
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    renderer.render(&painter);
    painter.end();
    if (!image.save(arguments.value(3))) {
        std::fprintf(stderr, "rendericon: cannot write %s\n", qPrintable(arguments.value(3)));
        return 1;
    }
    return 0;
}
