#include "wire/payloadshape.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Hookscope;
using namespace Qt::StringLiterals;

namespace {

QJsonObject json(const QByteArray &text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text, &error);
    if (!document.isObject())
        qFatal("test payload is not a JSON object: %s", qPrintable(error.errorString()));
    return document.object();
}

// Twelve invoice.paid payloads: coupon in half of them, status one of two values, a list of
// lines, a metadata object whose one key varies.
QList<QJsonObject> invoices()
{
    QList<QJsonObject> payloads;
    for (int i = 0; i < 12; ++i) {
        QJsonObject object{
            {u"id"_s, u"in_%1"_s.arg(i)},
            {u"amount_paid"_s, 1000 + i},
            {u"status"_s, i % 3 ? u"paid"_s : u"open"_s},
            {u"lines"_s, QJsonArray{QJsonObject{{u"amount"_s, 1.5 * i}},
                                    QJsonObject{{u"amount"_s, 2}, {u"note"_s, u"x"_s}}}},
            {u"metadata"_s, QJsonObject{{u"x-order"_s, i}}}};
        if (i % 2)
            object.insert(u"coupon"_s, QJsonValue::Null);
        payloads.append(QJsonObject{{u"type"_s, u"invoice.paid"_s},
                                    {u"data"_s, QJsonObject{{u"object"_s, object}}}});
    }
    return payloads;
}

PayloadShape learnt(const QList<QJsonObject> &payloads)
{
    PayloadShape shape;
    for (const QJsonObject &payload : payloads)
        shape.add(payload);
    return shape;
}

} // namespace

class TestPayloadShape final : public QObject
{
    Q_OBJECT
private slots:
    void learnsFieldsTypesPresenceAndEnums();
    void saysHowAPayloadDiffers();
    void keepsAndReadsBack();
    void jsonSchemaValidatesWhatItCameFrom();
    void typeScriptDeclaresIt();
    void stopsLearningNamesPastItsLimit();
};

void TestPayloadShape::learnsFieldsTypesPresenceAndEnums()
{
    const PayloadShape shape = learnt(invoices());
    QCOMPARE(shape.payloads(), 12);
    const PayloadShape::Field *amount = shape.field(u"data.object.amount_paid"_s);
    QVERIFY(amount);
    QCOMPARE(amount->types, (QHash<QString, qint64>{{u"integer"_s, 12}}));
    QVERIFY(shape.isRequired(*amount));
    QVERIFY(amount->manyValues); // twelve different values: not an enum
    QCOMPARE(amount->examples, (QStringList{u"1000"_s, u"1001"_s, u"1002"_s}));

    const PayloadShape::Field *coupon = shape.field(u"data.object.coupon"_s);
    QCOMPARE(coupon->occurrences, 6);
    QCOMPARE(shape.parentOccurrences(*coupon), 12);
    QVERIFY(!shape.isRequired(*coupon));
    QCOMPARE(coupon->types, (QHash<QString, qint64>{{u"null"_s, 6}}));

    const PayloadShape::Field *status = shape.field(u"data.object.status"_s);
    QCOMPARE(status->values, (QStringList{u"\"open\""_s, u"\"paid\""_s}));
    QVERIFY(!status->manyValues);

    // A list's items, and the fields in them: counted per item.
    const PayloadShape::Field *lines = shape.field(u"data.object.lines[]"_s);
    QCOMPARE(lines->occurrences, 24);
    const PayloadShape::Field *lineAmount = shape.field(u"data.object.lines[].amount"_s);
    QCOMPARE(lineAmount->types, (QHash<QString, qint64>{{u"number"_s, 6}, {u"integer"_s, 18}}));
    QVERIFY(shape.isRequired(*lineAmount));
    QVERIFY(!shape.isRequired(*shape.field(u"data.object.lines[].note"_s)));
    // A name that is not a plain word is quoted.
    QVERIFY(shape.field(u"data.object.metadata[\"x-order\"]"_s) == nullptr);
    QVERIFY(shape.field(u"data.object.metadata.x-order"_s));
}

void TestPayloadShape::saysHowAPayloadDiffers()
{
    const QList<QJsonObject> payloads = invoices();
    // Too few to judge.
    QVERIFY(learnt(payloads.mid(0, 4)).differences(json(R"({"other":1})")).isEmpty());

    const PayloadShape shape = learnt(payloads);
    QVERIFY(shape.differences(payloads.first()).isEmpty());
    QJsonObject changed = payloads.first();
    QJsonObject data = changed.value(u"data"_s).toObject();
    QJsonObject object = data.value(u"object"_s).toObject();
    object.remove(u"id"_s);
    object.insert(u"amount_paid"_s, u"1000"_s);
    object.insert(u"discount"_s, QJsonObject{{u"percent"_s, 10}});
    object.insert(u"coupon"_s, u"SAVE10"_s);
    data.insert(u"object"_s, object);
    changed.insert(u"data"_s, data);
    QCOMPARE(shape.differences(changed),
             (QStringList{u"data.object.amount_paid is string, was integer"_s,
                          u"data.object.coupon is string, was null"_s,
                          u"new field data.object.discount"_s,
                          u"data.object.id is missing (every earlier one had it: 12)"_s}));
    // An integer where numbers came is no change; a decimal where only integers came is.
    object = payloads.first().value(u"data"_s).toObject().value(u"object"_s).toObject();
    object.insert(u"lines"_s, QJsonArray{QJsonObject{{u"amount"_s, 3}}});
    object.insert(u"amount_paid"_s, 10.25);
    QCOMPARE(shape.differences(QJsonObject{{u"type"_s, u"invoice.paid"_s},
                                           {u"data"_s, QJsonObject{{u"object"_s, object}}}}),
             QStringList{u"data.object.amount_paid is number, was integer"_s});
    // Thousands of new names from a hostile sender: a few lines, and how many more.
    QJsonObject flood = payloads.first();
    for (int i = 0; i < 5000; ++i)
        flood.insert(u"k%1"_s.arg(i, 4, 10, QLatin1Char('0')), i);
    const QStringList said = shape.differences(flood);
    QCOMPARE(said.size(), PayloadShape::MaxDifferences + 1);
    QCOMPARE(said.first(), u"new field k0000"_s);
    QCOMPARE(said.last(), u"and 4980 more"_s);
}

void TestPayloadShape::keepsAndReadsBack()
{
    const PayloadShape shape = learnt(invoices());
    const PayloadShape again = PayloadShape::fromJson(shape.toJson());
    QCOMPARE(again.toJson(), shape.toJson());
    QCOMPARE(again.differences(invoices().first()), QStringList());
    QCOMPARE(PayloadShape::fromJson(QJsonObject{{u"fields"_s, u"nonsense"_s}}).payloads(), 0);
}

void TestPayloadShape::jsonSchemaValidatesWhatItCameFrom()
{
    // An outside validator: the python3-jsonschema package (Draft 2020-12).
    QTemporaryDir dir;
    const QList<QJsonObject> payloads = invoices();
    const QJsonObject schema = learnt(payloads).jsonSchema(u"invoice.paid"_s);
    QCOMPARE(schema.value(u"$schema"_s).toString(),
             u"https://json-schema.org/draft/2020-12/schema"_s);
    QJsonArray all;
    for (const QJsonObject &payload : payloads)
        all.append(payload);
    QJsonObject wrong = payloads.first();
    wrong.insert(u"data"_s, QJsonObject{{u"object"_s, QJsonObject{{u"id"_s, 7}}}});
    const auto write = [&](const QString &name, const QJsonDocument &document) {
        QFile file(dir.filePath(name));
        return file.open(QIODevice::WriteOnly) && file.write(document.toJson()) > 0;
    };
    QVERIFY(write(u"schema.json"_s, QJsonDocument(schema)));
    QVERIFY(write(u"payloads.json"_s, QJsonDocument(all)));
    QVERIFY(write(u"wrong.json"_s, QJsonDocument(QJsonArray{wrong})));
    const QString check = uR"(import json, sys
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[1]))
Draft202012Validator.check_schema(schema)
validator = Draft202012Validator(schema)
for payload in json.load(open(sys.argv[2])):
    errors = [error.message for error in validator.iter_errors(payload)]
    print("valid" if not errors else "invalid: " + "; ".join(errors)))"_s;
    const auto validate = [&](const QString &payloadsFile) {
        QProcess python;
        python.start(u"python3"_s,
                     {u"-c"_s, check, dir.filePath(u"schema.json"_s), dir.filePath(payloadsFile)});
        if (!python.waitForFinished(30'000) || python.exitCode() != 0)
            qWarning("%s", python.readAllStandardError().constData());
        return QString::fromUtf8(python.readAllStandardOutput()).trimmed().split(u'\n');
    };
    QCOMPARE(validate(u"payloads.json"_s), QStringList(12, u"valid"_s));
    const QStringList rejected = validate(u"wrong.json"_s);
    QCOMPARE(rejected.size(), 1);
    QVERIFY2(rejected.first().contains(u"'amount_paid' is a required property"_s),
             qPrintable(rejected.first()));
    QVERIFY2(rejected.first().contains(u"7 is not of type 'string'"_s),
             qPrintable(rejected.first()));
}

void TestPayloadShape::typeScriptDeclaresIt()
{
    const QString declared = learnt(invoices()).typeScript(u"invoice.paid"_s);
    // Members as JSON objects keep them (by name); a field not always there is optional; few
    // values repeated are a union of literals.
    QVERIFY2(declared.startsWith(u"// Learnt by Hookscope from 12 payload(s) of invoice.paid.\n"
                                 "export interface InvoicePaid {\n  data: {\n    object: {\n"
                                 "      amount_paid: number;\n      id: string;\n"
                                 "      lines: {\n        amount: number;\n        note?: string;\n"
                                 "      }[];\n"_s),
             qPrintable(declared));
    QVERIFY2(declared.contains(u"      status: \"open\" | \"paid\";\n      coupon?: null;\n"_s),
             qPrintable(declared));
    // One value alone is not called an enum: it may be a coincidence of few payloads.
    QVERIFY2(declared.endsWith(u"  type: string;\n}\n"_s), qPrintable(declared));
    QVERIFY2(declared.contains(u"\"x-order\": number;"_s), qPrintable(declared));
}

void TestPayloadShape::stopsLearningNamesPastItsLimit()
{
    PayloadShape shape;
    for (int chunk = 0; chunk < 3; ++chunk) {
        QJsonObject byId;
        for (int i = 0; i < 1000; ++i)
            byId.insert(u"id_%1_%2"_s.arg(chunk).arg(i), i);
        shape.add(byId);
    }
    QCOMPARE(shape.fields().size(), PayloadShape::MaxFields);
    QVERIFY(shape.truncated());
}

QTEST_GUILESS_MAIN(TestPayloadShape)
#include "tst_payloadshape.moc"
