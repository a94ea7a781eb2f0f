#include "body/jsonoutline.h"

#include <QTest>

using namespace Hookscope;

class TestJsonOutline final : public QObject
{
    Q_OBJECT
private slots:
    void childrenInSentOrder();
    void nestedLevelsOpenOneAtATime();
    void previews();
    void anyInputEnds_data();
    void anyInputEnds();
};

void TestJsonOutline::childrenInSentOrder()
{
    const QByteArray json
        = R"( { "zeta" : 1, "alpha":"x,}\"]", "mid\u00e9":[1, {"a":2}] , "n":null } )";
    const JsonNode root = JsonOutline::root(json);
    QCOMPARE(root.type, JsonNode::Type::Object);
    const QList<JsonNode> members = JsonOutline::children(json, root);
    QCOMPARE(members.size(), 4);
    QCOMPARE(members[0].key, QStringLiteral("zeta")); // not sorted, unlike QJsonObject
    QCOMPARE(members[0].type, JsonNode::Type::Number);
    QCOMPARE(members[1].key, QStringLiteral("alpha"));
    QCOMPARE(json.mid(members[1].begin, members[1].end - members[1].begin),
             QByteArray(R"("x,}\"]")"));
    QCOMPARE(members[2].key, QStringLiteral("midé"));
    QCOMPARE(members[2].type, JsonNode::Type::Array);
    QCOMPARE(members[3].type, JsonNode::Type::Literal);
}

void TestJsonOutline::nestedLevelsOpenOneAtATime()
{
    const QByteArray json = R"([[], {"deep":{"deeper":[true,false]}}, "s"])";
    const QList<JsonNode> items = JsonOutline::children(json, JsonOutline::root(json));
    QCOMPARE(items.size(), 3);
    QVERIFY(JsonOutline::children(json, items[0]).isEmpty());
    const JsonNode deep = JsonOutline::children(json, items[1]).first();
    QCOMPARE(deep.key, QStringLiteral("deep"));
    const JsonNode deeper = JsonOutline::children(json, deep).first();
    const QList<JsonNode> literals = JsonOutline::children(json, deeper);
    QCOMPARE(literals.size(), 2);
    QCOMPARE(JsonOutline::preview(json, literals[1]), QStringLiteral("false"));
}

void TestJsonOutline::previews()
{
    const QByteArray json = R"({"s":"tab\there \"q\" \u2713","o":{},"a":[1],"num":-1.5e3,"long":")"
                            + QByteArray(500, 'x') + "\"}";
    const QList<JsonNode> members = JsonOutline::children(json, JsonOutline::root(json));
    QCOMPARE(JsonOutline::preview(json, members[0]), QStringLiteral("\"tab\there \"q\" ✓\""));
    QCOMPARE(JsonOutline::preview(json, members[1]), QStringLiteral("{…}"));
    QCOMPARE(JsonOutline::preview(json, members[2]), QStringLiteral("[…]"));
    QCOMPARE(JsonOutline::preview(json, members[3]), QStringLiteral("-1.5e3"));
    const QString cut = JsonOutline::preview(json, members[4], 50);
    QCOMPARE(cut.size(), 51);
    QVERIFY(cut.endsWith(QStringLiteral("x…")));
}

QTEST_GUILESS_MAIN(TestJsonOutline)
#include "tst_jsonoutline.moc"

void TestJsonOutline::anyInputEnds_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("reported: expanding \"a\" grew to 706 MB")
        << QByteArray(R"({"a":[1,2{"""u"}],e})");
    QTest::newRow("stray closers") << QByteArray("[}}}]]]");
    QTest::newRow("no values") << QByteArray("{,,,:::}");
    QTest::newRow("unterminated") << QByteArray(R"({"a":[{"b":"c)");
    QTest::newRow("key without colon") << QByteArray(R"({"a" 1, "b" 2})");
    QTest::newRow("commas only") << QByteArray("[,,,,]");
    QTest::newRow("backslash at the end") << QByteArray(R"(["\)");
}

// Walks every node the outline finds: a bounded number, each inside its parent.
void TestJsonOutline::anyInputEnds()
{
    QFETCH(QByteArray, bytes);
    QList<JsonNode> toVisit{JsonOutline::root(bytes)};
    int visited = 0;
    while (!toVisit.isEmpty() && visited <= bytes.size()) {
        const JsonNode node = toVisit.takeLast();
        ++visited;
        for (const JsonNode &child : JsonOutline::children(bytes, node)) {
            QVERIFY(child.begin > node.begin && child.end <= node.end);
            QVERIFY(child.end > child.begin);
            toVisit.append(child);
        }
        JsonOutline::preview(bytes, node);
    }
    // No more nodes than bytes: every node starts at a byte of its own.
    QVERIFY2(visited <= bytes.size(), QByteArray::number(visited).constData());
}
