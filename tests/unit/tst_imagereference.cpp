#include "net/core/imagereference.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace Berth;

namespace {
const QString Hex = u"ff4a8eb070e12018233797e865841d877a7835c4c6d5cfc52e5481995da6b2f7"_s;
const QString Digest256 = u"sha256:"_s + Hex;
} // namespace

class tst_ImageReference : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseValid_data();
    void parseValid();
    void parseInvalid_data();
    void parseInvalid();
    void uppercaseRepositoryHasClearMessage();
    void nameLengthLimit();
    void roundTrip_data();
    void roundTrip();
    void isValidTag_data();
    void isValidTag();
    void isValidRepositoryPath_data();
    void isValidRepositoryPath();
    void isLoopbackHost_data();
    void isLoopbackHost();
    void referenceAndDisplay();
    void withers();
};

void tst_ImageReference::parseValid_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("registry");
    QTest::addColumn<QString>("repository");
    QTest::addColumn<QString>("tag");
    QTest::addColumn<QString>("digest");
    QTest::addColumn<QString>("canonical");

    const QString hub = u"registry-1.docker.io"_s;
    // Docker Hub normalisation
    QTest::newRow("official short") << u"ubuntu"_s << hub << u"library/ubuntu"_s << QString()
                                    << QString() << u"docker.io/library/ubuntu"_s;
    QTest::newRow("official tag") << u"ubuntu:22.04"_s << hub << u"library/ubuntu"_s << u"22.04"_s
                                  << QString() << u"docker.io/library/ubuntu:22.04"_s;
    QTest::newRow("user repo") << u"team-a/api"_s << hub << u"team-a/api"_s << QString()
                               << QString() << u"docker.io/team-a/api"_s;
    QTest::newRow("docker.io single") << u"docker.io/ubuntu"_s << hub << u"library/ubuntu"_s
                                      << QString() << QString() << u"docker.io/library/ubuntu"_s;
    QTest::newRow("docker.io library")
            << u"docker.io/library/ubuntu:latest"_s << hub << u"library/ubuntu"_s << u"latest"_s
            << QString() << u"docker.io/library/ubuntu:latest"_s;
    QTest::newRow("index.docker.io") << u"index.docker.io/foo/bar"_s << hub << u"foo/bar"_s
                                     << QString() << QString() << u"docker.io/foo/bar"_s;
    QTest::newRow("registry-1.docker.io")
            << u"registry-1.docker.io/nginx"_s << hub << u"library/nginx"_s << QString()
            << QString() << u"docker.io/library/nginx"_s;
    QTest::newRow("hub three components")
            << u"a/b/c"_s << hub << u"a/b/c"_s << QString() << QString() << u"docker.io/a/b/c"_s;
    // Other registries
    QTest::newRow("host with dot") << u"ghcr.io/org/app:v1"_s << u"ghcr.io"_s << u"org/app"_s
                                   << u"v1"_s << QString() << u"ghcr.io/org/app:v1"_s;
    QTest::newRow("single component off hub") << u"quay.io/app"_s << u"quay.io"_s << u"app"_s
                                              << QString() << QString() << u"quay.io/app"_s;
    QTest::newRow("host port") << u"127.0.0.1:5000/team-a/api:1.0"_s << u"127.0.0.1:5000"_s
                               << u"team-a/api"_s << u"1.0"_s << QString()
                               << u"127.0.0.1:5000/team-a/api:1.0"_s;
    QTest::newRow("localhost") << u"localhost/app"_s << u"localhost"_s << u"app"_s << QString()
                               << QString() << u"localhost/app"_s;
    QTest::newRow("localhost port") << u"localhost:5000/app:x"_s << u"localhost:5000"_s << u"app"_s
                                    << u"x"_s << QString() << u"localhost:5000/app:x"_s;
    QTest::newRow("ipv6 loopback")
            << u"[::1]/app"_s << u"[::1]"_s << u"app"_s << QString() << QString() << u"[::1]/app"_s;
    QTest::newRow("ipv6 port tag") << u"[::1]:5000/app:v2"_s << u"[::1]:5000"_s << u"app"_s
                                   << u"v2"_s << QString() << u"[::1]:5000/app:v2"_s;
    QTest::newRow("ipv6 full") << u"[2001:db8::1]:443/a/b"_s << u"[2001:db8::1]:443"_s << u"a/b"_s
                               << QString() << QString() << u"[2001:db8::1]:443/a/b"_s;
    QTest::newRow("host uppercase lowered")
            << u"Registry.Example.COM/app"_s << u"registry.example.com"_s << u"app"_s << QString()
            << QString() << u"registry.example.com/app"_s;
    QTest::newRow("host with hyphen")
            << u"my-registry.local:8080/x"_s << u"my-registry.local:8080"_s << u"x"_s << QString()
            << QString() << u"my-registry.local:8080/x"_s;
    // Path component separators
    QTest::newRow("separators") << u"example.com/a.b_c__d-e---f"_s << u"example.com"_s
                                << u"a.b_c__d-e---f"_s << QString() << QString()
                                << u"example.com/a.b_c__d-e---f"_s;
    QTest::newRow("deep path") << u"example.com/a/b/c/d/e"_s << u"example.com"_s << u"a/b/c/d/e"_s
                               << QString() << QString() << u"example.com/a/b/c/d/e"_s;
    // Tags and digests
    QTest::newRow("tag word chars")
            << u"app:V1_2.3-rc.1"_s << hub << u"library/app"_s << u"V1_2.3-rc.1"_s << QString()
            << u"docker.io/library/app:V1_2.3-rc.1"_s;
    QTest::newRow("tag underscore first") << u"app:_x"_s << hub << u"library/app"_s << u"_x"_s
                                          << QString() << u"docker.io/library/app:_x"_s;
    QTest::newRow("tag 128") << u"app:"_s + QString(128, u'a') << hub << u"library/app"_s
                             << QString(128, u'a') << QString()
                             << u"docker.io/library/app:"_s + QString(128, u'a');
    QTest::newRow("digest") << u"example.com/app@"_s + Digest256 << u"example.com"_s << u"app"_s
                            << QString() << Digest256 << u"example.com/app@"_s + Digest256;
    QTest::newRow("tag and digest")
            << u"example.com:5000/app:v1@"_s + Digest256 << u"example.com:5000"_s << u"app"_s
            << u"v1"_s << Digest256 << u"example.com:5000/app:v1@"_s + Digest256;
    QTest::newRow("hub digest") << u"busybox@"_s + Digest256 << hub << u"library/busybox"_s
                                << QString() << Digest256
                                << u"docker.io/library/busybox@"_s + Digest256;
    QTest::newRow("sha512 digest")
            << u"example.com/app@sha512:"_s + QString(128, u'e') << u"example.com"_s << u"app"_s
            << QString() << u"sha512:"_s + QString(128, u'e')
            << u"example.com/app@sha512:"_s + QString(128, u'e');
    QTest::newRow("surrounding spaces") << u"  alpine:3  "_s << hub << u"library/alpine"_s << u"3"_s
                                        << QString() << u"docker.io/library/alpine:3"_s;
    // docker's rule: a first component with uppercase is a host, not a namespace.
    QTest::newRow("uppercase first component is host")
            << u"Foo/bar"_s << u"Foo"_s << u"bar"_s << QString() << QString() << u"Foo/bar"_s;
    // Found by fuzzing: lowercased, such a host turned into a Hub namespace on the next parse.
    QTest::newRow("single-label uppercase host with digits")
            << u"1D5000/xy:z"_s << u"1D5000"_s << u"xy"_s << u"z"_s << QString()
            << u"1D5000/xy:z"_s;
}

void tst_ImageReference::parseValid()
{
    QFETCH(QString, input);
    QFETCH(QString, registry);
    QFETCH(QString, repository);
    QFETCH(QString, tag);
    QFETCH(QString, digest);
    QFETCH(QString, canonical);

    const Result<ImageReference> ref = ImageReference::parse(input);
    QVERIFY2(ref.ok(), qPrintable(ref.error().message));
    QVERIFY(ref->isValid());
    QCOMPARE(ref->registry(), registry);
    QCOMPARE(ref->repository(), repository);
    QCOMPARE(ref->tag(), tag);
    QCOMPARE(ref->digest(), digest);
    QCOMPARE(ref->toString(), canonical);
    // The canonical form parses back to the same reference.
    const Result<ImageReference> again = ImageReference::parse(canonical);
    QVERIFY2(again.ok(), qPrintable(again.error().message));
    QCOMPARE(again->registry(), registry);
    QCOMPARE(again->toString(), canonical);
}

void tst_ImageReference::parseInvalid_data()
{
    QTest::addColumn<QString>("input");
    QTest::newRow("empty") << QString();
    QTest::newRow("blank") << u"   "_s;
    QTest::newRow("only tag") << u":latest"_s;
    QTest::newRow("only digest") << u"@"_s + Digest256;
    QTest::newRow("empty tag") << u"app:"_s;
    QTest::newRow("empty digest") << u"app@"_s;
    QTest::newRow("tag starts with dot") << u"app:.x"_s;
    QTest::newRow("tag starts with dash") << u"app:-x"_s;
    QTest::newRow("tag 129") << u"app:"_s + QString(129, u'a');
    QTest::newRow("tag bad char") << u"app:a+b"_s;
    QTest::newRow("short digest") << u"app@sha256:abc"_s;
    QTest::newRow("uppercase digest hex") << u"app@sha256:"_s + Hex.toUpper();
    QTest::newRow("unknown digest algorithm") << u"app@md5:"_s + Hex;
    QTest::newRow("two digests") << u"app@"_s + Digest256 + u'@' + Digest256;
    QTest::newRow("leading slash") << u"/app"_s;
    QTest::newRow("trailing slash") << u"example.com/app/"_s;
    QTest::newRow("double slash") << u"example.com//app"_s;
    QTest::newRow("host only") << u"example.com/"_s;
    QTest::newRow("leading separator") << u"example.com/-app"_s;
    QTest::newRow("trailing separator") << u"example.com/app-"_s;
    QTest::newRow("triple underscore") << u"example.com/a___b"_s;
    QTest::newRow("dot dot") << u"example.com/a..b"_s;
    QTest::newRow("dash dot") << u"example.com/a-.b"_s;
    QTest::newRow("space in path") << u"example.com/a b"_s;
    QTest::newRow("uppercase path") << u"example.com/App"_s;
    QTest::newRow("uppercase hub") << u"Ubuntu"_s;
    QTest::newRow("bad host char") << u"exa_mple.com/app"_s;
    QTest::newRow("host leading hyphen") << u"-example.com/app"_s;
    QTest::newRow("host trailing hyphen") << u"example-.com/app"_s;
    QTest::newRow("host empty label") << u"example..com/app"_s;
    QTest::newRow("port not numeric") << u"example.com:port/app"_s;
    QTest::newRow("port empty") << u"example.com:/app"_s;
    QTest::newRow("ipv6 unbracketed") << u"::1/app"_s;
    QTest::newRow("ipv6 bad char") << u"[::g]/app"_s;
    QTest::newRow("ipv6 unclosed") << u"[::1/app"_s;
    QTest::newRow("host without path") << u"localhost:5000"_s + u"/"_s;
    QTest::newRow("scheme") << u"https://example.com/app"_s;
    QTest::newRow("unicode") << u"example.com/caf\u00e9"_s;
}

void tst_ImageReference::parseInvalid()
{
    QFETCH(QString, input);
    const Result<ImageReference> ref = ImageReference::parse(input);
    QVERIFY2(!ref.ok(), qPrintable(input));
    QCOMPARE(ref.error().code, ErrorCode::InvalidInput);
    QVERIFY(!ref.error().message.isEmpty());
}

void tst_ImageReference::uppercaseRepositoryHasClearMessage()
{
    // Given a repository path that would be valid in lowercase
    const Result<ImageReference> ref = ImageReference::parse(u"example.com/Team/Api:v1"_s);
    // Then it is rejected, not silently lowered, and the message says why
    QVERIFY(!ref.ok());
    QVERIFY2(ref.error().message.contains(u"lowercase"_s), qPrintable(ref.error().message));
}

void tst_ImageReference::nameLengthLimit()
{
    // "example.com/" is 12 characters; the whole name may be 255.
    const QString host = u"example.com/"_s;
    const QString longest = host + QString(255 - host.size(), u'a');
    QVERIFY(ImageReference::parse(longest).ok());
    QVERIFY(ImageReference::parse(longest + u":tag"_s).ok()); // the tag does not count
    const Result<ImageReference> tooLong = ImageReference::parse(longest + u'a');
    QVERIFY(!tooLong.ok());
    QVERIFY(tooLong.error().message.contains(u"255"_s));
    // On Docker Hub the implicit "docker.io/library/" counts too.
    QVERIFY(!ImageReference::parse(QString(250, u'a')).ok());
    QVERIFY(ImageReference::parse(QString(255 - 18, u'a')).ok());
}

void tst_ImageReference::roundTrip_data()
{
    QTest::addColumn<QString>("canonical");
    QTest::newRow("hub") << u"docker.io/library/ubuntu:22.04"_s;
    QTest::newRow("port digest") << u"127.0.0.1:5000/a/b@"_s + Digest256;
    QTest::newRow("tag digest") << u"ghcr.io/org/app:v1@"_s + Digest256;
    QTest::newRow("ipv6") << u"[::1]:5000/app:t"_s;
    QTest::newRow("no tag") << u"quay.io/x/y"_s;
}

void tst_ImageReference::roundTrip()
{
    QFETCH(QString, canonical);
    const Result<ImageReference> first = ImageReference::parse(canonical);
    QVERIFY(first.ok());
    QCOMPARE(first->toString(), canonical);
    const Result<ImageReference> second = ImageReference::parse(first->toString());
    QVERIFY(second.ok());
    QCOMPARE(second.value(), first.value());
}

void tst_ImageReference::isValidTag_data()
{
    QTest::addColumn<QString>("tag");
    QTest::addColumn<bool>("valid");
    QTest::newRow("latest") << u"latest"_s << true;
    QTest::newRow("semver") << u"1.2.3-rc.1"_s << true;
    QTest::newRow("upper") << u"ABC"_s << true;
    QTest::newRow("single") << u"a"_s << true;
    QTest::newRow("128") << QString(128, u'x') << true;
    QTest::newRow("129") << QString(129, u'x') << false;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("dot first") << u".a"_s << false;
    QTest::newRow("slash") << u"a/b"_s << false;
    QTest::newRow("colon") << u"a:b"_s << false;
    QTest::newRow("non ascii") << u"\u00e9"_s << false;
}

void tst_ImageReference::isValidTag()
{
    QFETCH(QString, tag);
    QFETCH(bool, valid);
    QCOMPARE(ImageReference::isValidTag(tag), valid);
}

void tst_ImageReference::isValidRepositoryPath_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("valid");
    QTest::newRow("simple") << u"app"_s << true;
    QTest::newRow("nested") << u"team-a/api"_s << true;
    QTest::newRow("double underscore") << u"a__b"_s << true;
    QTest::newRow("many dashes") << u"a----b"_s << true;
    QTest::newRow("digits") << u"0/1/2"_s << true;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("upper") << u"A"_s << false;
    QTest::newRow("empty component") << u"a//b"_s << false;
    QTest::newRow("dot underscore") << u"a._b"_s << false;
}

void tst_ImageReference::isValidRepositoryPath()
{
    QFETCH(QString, path);
    QFETCH(bool, valid);
    QCOMPARE(ImageReference::isValidRepositoryPath(path), valid);
}

void tst_ImageReference::isLoopbackHost_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<bool>("loopback");
    QTest::newRow("localhost") << u"localhost"_s << true;
    QTest::newRow("localhost port") << u"localhost:5000"_s << true;
    QTest::newRow("LOCALHOST") << u"LOCALHOST"_s << true;
    QTest::newRow("127.0.0.1") << u"127.0.0.1"_s << true;
    QTest::newRow("127.0.0.1 port") << u"127.0.0.1:5000"_s << true;
    QTest::newRow("127.8.9.10") << u"127.8.9.10:1"_s << true;
    QTest::newRow("[::1]") << u"[::1]"_s << true;
    QTest::newRow("[::1] port") << u"[::1]:5000"_s << true;
    QTest::newRow("::1 bare") << u"::1"_s << true;
    QTest::newRow("128.0.0.1") << u"128.0.0.1"_s << false;
    QTest::newRow("10.0.0.1") << u"10.0.0.1:5000"_s << false;
    QTest::newRow("[::2]") << u"[::2]:5000"_s << false;
    QTest::newRow("localhost.example.com") << u"localhost.example.com"_s << false;
    QTest::newRow("127.0.0.1.evil.com") << u"127.0.0.1.evil.com"_s << false;
    QTest::newRow("hub") << u"registry-1.docker.io"_s << false;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("unclosed bracket") << u"[::1"_s << false;
}

void tst_ImageReference::isLoopbackHost()
{
    QFETCH(QString, host);
    QFETCH(bool, loopback);
    QCOMPARE(ImageReference::isLoopbackHost(host), loopback);
}

void tst_ImageReference::referenceAndDisplay()
{
    const ImageReference plain = ImageReference::parse(u"ubuntu"_s).value();
    QCOMPARE(plain.reference(), u"latest"_s);
    QCOMPARE(plain.displayRegistry(), u"docker.io"_s);
    QCOMPARE(plain.repositoryName(), u"docker.io/library/ubuntu"_s);
    QVERIFY(!plain.hasTag());
    QVERIFY(!plain.hasDigest());

    const ImageReference tagged = ImageReference::parse(u"localhost:5000/app:v1"_s).value();
    QCOMPARE(tagged.reference(), u"v1"_s);
    QCOMPARE(tagged.displayRegistry(), u"localhost:5000"_s);

    const ImageReference both
            = ImageReference::parse(u"localhost:5000/app:v1@"_s + Digest256).value();
    QCOMPARE(both.reference(), Digest256); // the digest wins
}

void tst_ImageReference::withers()
{
    const ImageReference base
            = ImageReference::parse(u"localhost:5000/app:v1@"_s + Digest256).value();
    const ImageReference retagged = base.withTag(u"v2"_s);
    QCOMPARE(retagged.tag(), u"v2"_s);
    QVERIFY(!retagged.hasDigest());
    QCOMPARE(retagged.reference(), u"v2"_s);

    const QString other = u"sha256:"_s + QString(64, u'0');
    const ImageReference pinned
            = ImageReference::parse(u"localhost:5000/app:v1"_s).value().withDigest(other);
    QCOMPARE(pinned.reference(), other);
    QCOMPARE(pinned.tag(), u"v1"_s);

    const ImageReference moved = base.withRepository(u"other/repo"_s);
    QCOMPARE(moved.registry(), u"localhost:5000"_s);
    QCOMPARE(moved.repository(), u"other/repo"_s);
    QVERIFY(!moved.hasTag());
    QVERIFY(!moved.hasDigest());
    QVERIFY(!(moved == base));
    QVERIFY(!ImageReference().isValid());
}

QTEST_GUILESS_MAIN(tst_ImageReference)
#include "tst_imagereference.moc"
