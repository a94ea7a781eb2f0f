#include "receiver/clienthello.h"

#include <QTest>

using namespace Hookscope;

namespace {

QByteArray u16(qsizetype value)
{
    QByteArray bytes;
    bytes.append(char(value >> 8 & 0xff)).append(char(value & 0xff));
    return bytes;
}

QByteArray u24(qsizetype value)
{
    return char(value >> 16 & 0xff) + u16(value);
}

// A TLS 1.3 ClientHello as a client's first record, naming `host` (none when null).
QByteArray clientHello(const QByteArray &host)
{
    const QByteArray groups = u16(0x000a) + u16(4) + u16(2) + u16(0x001d);
    const QByteArray entry = char(0) + u16(host.size()) + host;
    const QByteArray list = u16(entry.size()) + entry;
    const QByteArray serverName = host.isNull() ? QByteArray() : u16(0) + u16(list.size()) + list;
    const QByteArray extensions = groups + serverName;
    const QByteArray body = QByteArray("\x03\x03", 2) + QByteArray(32, 'r') + char(0) + u16(2)
                            + QByteArray("\x13\x01", 2) + QByteArray("\x01\x00", 2)
                            + u16(extensions.size()) + extensions;
    const QByteArray handshake = char(1) + u24(body.size()) + body;
    return QByteArray("\x16\x03\x01", 3) + u16(handshake.size()) + handshake;
}

} // namespace

class TestClientHello : public QObject
{
    Q_OBJECT
private slots:
    void theNameIsReadOnceTheRecordIsWhole();
    void noNameIsEmpty();
    void whatIsNotAClientHelloNamesNothing();
};

void TestClientHello::theNameIsReadOnceTheRecordIsWhole()
{
    const QByteArray hello = clientHello("Hooks.Example.COM");
    QCOMPARE(serverNameInClientHello(hello), std::optional<QString>(u"hooks.example.com"_qs));
    for (qsizetype size = 0; size < hello.size(); ++size)
        QVERIFY2(!serverNameInClientHello(QByteArrayView(hello).first(size)),
                 qPrintable(QString::number(size)));
    // What comes after the first record does not change it.
    QCOMPARE(
        serverNameInClientHello(QByteArray(hello + QByteArray("\x16\x03\x01\x00\x05hello", 10))),
        std::optional<QString>(u"hooks.example.com"_qs));
    // The message going on in a second record: what the first holds of it is read.
    QByteArray split = hello;
    split[6] = char(0x7f); // the handshake message's length, now past the record's end
    QCOMPARE(serverNameInClientHello(split), std::optional<QString>(u"hooks.example.com"_qs));
}

void TestClientHello::noNameIsEmpty()
{
    QCOMPARE(serverNameInClientHello(clientHello(QByteArray())), std::optional<QString>(QString()));
    // A name with what no host name holds is none.
    for (const QByteArray &host : {QByteArray("evil\r\nX-Injected: 1"), QByteArray("a b"),
                                   QByteArray("caf\xc3\xa9.example"), QByteArray("")})
        QCOMPARE(serverNameInClientHello(clientHello(host)), std::optional<QString>(QString()));
}

void TestClientHello::whatIsNotAClientHelloNamesNothing()
{
    QCOMPARE(serverNameInClientHello("POST /hook HTTP/1.1\r\n"), std::optional<QString>(QString()));
    QCOMPARE(serverNameInClientHello("P"), std::optional<QString>(QString()));
    // A record longer than TLS allows is not waited for.
    QCOMPARE(serverNameInClientHello(QByteArray("\x16\x03\x01\xff\xff", 5)),
             std::optional<QString>(QString()));
    // Lengths that say more than is there: nothing read past the end.
    QByteArray lying = clientHello("hooks.example.com");
    const qsizetype extensionsLength = 5 + 4 + 2 + 32 + 1 + 2 + 2 + 2;
    lying[extensionsLength] = char(0x7f);
    QCOMPARE(serverNameInClientHello(lying), std::optional<QString>(QString()));
    QByteArray alert = clientHello("hooks.example.com");
    alert[5] = char(2); // a ServerHello
    QCOMPARE(serverNameInClientHello(alert), std::optional<QString>(QString()));
}

QTEST_APPLESS_MAIN(TestClientHello)
#include "tst_clienthello.moc"
