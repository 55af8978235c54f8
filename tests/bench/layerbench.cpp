// berth-layer-bench: what looking inside an image costs. Against a real registry on loopback:
// `berth ls` of a ~100 MB gzip layer (cold, with an empty listing cache, and warm) next to
// `tar -tzf` on the same blob file, with peak memory; then the bytes fetched and the time to
// read one file of the already listed layer (`berth cat`, a Range from its checkpoint) next to
// the whole blob and `tar -xzOf`. Run it through tests/bench/run-layers.sh; the figures are in
// docs/performance.md.

#include "childrun.h"
#include "imagebuilder.h"
#include "imageseeder.h"
#include "jobwait.h"
#include "registryprocess.h"

#include "net/core/digest.h"
#include "net/formats/mediatypes.h"
#include "net/layers/layerjobs.h"
#include "net/oci/ocibackend.h"
#include "net/transport/networkaccessmanager.h"
#include "net/transport/requestscheduler.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;

namespace {

void say(const QString &line)
{
    std::fputs(qPrintable(line + u'\n'), stdout);
    std::fflush(stdout);
}

int fail(const QString &what)
{
    say(u"berth-layer-bench: FAILED: "_s + what);
    return 1;
}

//! A shell pipeline's standard output (trimmed); empty on failure.
QByteArray shell(const QString &command)
{
    QProcess process;
    process.start(u"sh"_s, {u"-c"_s, command});
    process.waitForFinished(-1);
    return process.exitCode() == 0 ? process.readAllStandardOutput().trimmed() : QByteArray();
}

template<typename Measure>
ChildRun::Outcome median(int repeats, Measure measure)
{
    QList<ChildRun::Outcome> runs;
    for (int i = 0; i < repeats; ++i)
        runs.append(measure(i));
    std::sort(runs.begin(), runs.end(),
              [](const auto &a, const auto &b) { return a.totalMs < b.totalMs; });
    return runs.at(runs.size() / 2);
}

double ratio(qint64 a, qint64 b)
{
    return b > 0 ? double(a) / double(b) : 0.0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    app.setApplicationName(u"berth-layer-bench"_s);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Layer listing and file reading figures."_s);
    parser.addHelpOption();
    const QCommandLineOption quick(u"quick"_s, u"Smoke run: a small layer, one run each."_s);
    const QCommandLineOption berth(u"berth"_s, u"The berth executable."_s, u"path"_s);
    const QCommandLineOption json(u"json"_s, u"Write the figures here."_s, u"path"_s);
    const QCommandLineOption repeats(u"repeats"_s, u"Runs of each command (median)."_s, u"n"_s,
                                     u"3"_s);
    parser.addOptions({quick, berth, json, repeats});
    parser.process(app);
    const bool smoke = parser.isSet(quick);
    const int runs = smoke ? 1 : std::max(1, parser.value(repeats).toInt());
    const QString berthBinary = parser.value(berth);
    if (berthBinary.isEmpty())
        return fail(u"--berth PATH is required"_s);

    QTemporaryDir work;
    // Real files of this machine: headers, documentation, clang's resource folder (installed
    // with the fuzzing toolchain): text and binaries, ~108 MB of gzip.
    const QString folders = smoke ? u"usr/include/x86_64-linux-gnu/qt6/QtCore"_s
                                  : u"usr/include usr/lib/llvm-14/include "
                                    "usr/lib/llvm-14/lib/clang usr/share/doc"_s;
    const QString blobPath = work.filePath(u"layer.tar.gz"_s);
    if (shell(u"tar -C / --ignore-failed-read -cf - %1 2>/dev/null | gzip -6 > %2 && echo ok"_s.arg(
                folders, blobPath))
        != "ok")
        return fail(u"could not make the layer"_s);
    QFile blobFile(blobPath);
    if (!blobFile.open(QIODevice::ReadOnly))
        return fail(u"could not read the layer"_s);
    const QByteArray blob = blobFile.readAll();
    const QString diffId = u"sha256:"_s
                           + QString::fromLatin1(shell(
                                   u"gzip -dc %1 | sha256sum | cut -d' ' -f1"_s.arg(blobPath)));
    say(u"layer: %1 bytes of gzip"_s.arg(blob.size()));

    RegistryProcess registry;
    QString error;
    if (!registry.start(&error))
        return fail(u"registry: "_s + error);
    const QByteArray config
            = QJsonDocument(
                      QJsonObject{{u"architecture"_s, u"amd64"_s},
                                  {u"os"_s, u"linux"_s},
                                  {u"rootfs"_s, QJsonObject{{u"type"_s, u"layers"_s},
                                                            {u"diff_ids"_s, QJsonArray{diffId}}}}})
                      .toJson(QJsonDocument::Compact);
    SeedPush push{u"bench/layer"_s,
                  ImageBuilder::singleLayer(blob, QString(MediaType::OciLayer), config),
                  {u"1"_s}};
    push.image.image.repository = push.repository;
    ImageSeeder seeder(registry.host());
    if (const auto pushed = seeder.pushAndWait(push, 600000); !pushed)
        return fail(u"push: "_s + pushed.error().toString());
    const QString image = registry.host() + u"/bench/layer:1"_s;

    // Listing: berth with an empty cache each run, tar on the blob file.
    const QString cacheHome = work.filePath(u"cache"_s);
    qputenv("HOME", work.path().toUtf8());
    qputenv("XDG_CACHE_HOME", cacheHome.toUtf8());
    const ChildRun::Outcome berthCold = median(runs, [&](int) {
        QDir(cacheHome).removeRecursively();
        return ChildRun::run(berthBinary, {u"ls"_s, image, u"--layer"_s, u"1"_s, u"--json"_s});
    });
    if (!berthCold.ok())
        return fail(u"berth ls: "_s + QString::fromUtf8(berthCold.err));
    const ChildRun::Outcome berthWarm = median(runs, [&](int) {
        return ChildRun::run(berthBinary, {u"ls"_s, image, u"--layer"_s, u"1"_s, u"--json"_s});
    });
    const ChildRun::Outcome tarList = median(runs, [&](int) {
        return ChildRun::run(u"tar"_s, {u"-tzf"_s, blobPath});
    });
    if (!tarList.ok())
        return fail(u"tar -tzf failed"_s);
    const qsizetype berthEntries
            = QJsonDocument::fromJson(berthCold.out).object().value(u"entries"_s).toArray().size();
    const qsizetype tarEntries = tarList.out.count('\n');

    // One file of the listed layer: the bytes a Range fetches, in process.
    NetworkAccessManager nam;
    RequestScheduler scheduler(&nam);
    RegistryEndpoint endpoint;
    endpoint.host = registry.host();
    endpoint.scheme = RegistryEndpoint::Scheme::Http;
    endpoint.credentialSource = RegistryEndpoint::CredentialSource::None;
    OciBackend backend(endpoint, &scheduler);
    Descriptor layer;
    layer.mediaType = QString(MediaType::OciLayer);
    layer.digest = Digest::sha256(blob);
    layer.size = blob.size();
    const Result<LayerListing> listing = waitFor(
            listLayer(&backend, push.repository, layer, Priority::Interactive, &backend), 600000);
    if (!listing)
        return fail(u"listing: "_s + listing.error().toString());
    // A small file two thirds into the layer: most of the blob lies before it.
    const LayerEntry *target = nullptr;
    for (const LayerEntry &entry : listing->entries) {
        if (entry.isFile() && entry.size > 1000 && entry.size < 64 * 1024
            && entry.dataOffset > listing->uncompressedBytes * 2 / 3) {
            target = &entry;
            break;
        }
    }
    if (!target)
        return fail(u"no small file two thirds into the layer"_s);
    const Result<LayerFileRead> read
            = waitFor(readLayerFile(
                              &backend, push.repository, *listing, *target, -1,
                              [](QByteArrayView) { return true; }, Priority::Interactive, &backend),
                      600000);
    if (!read)
        return fail(u"reading %1: %2"_s.arg(target->path, read.error().toString()));
    const ChildRun::Outcome berthCat = median(runs, [&](int) {
        return ChildRun::run(berthBinary, {u"cat"_s, image, target->path});
    });
    const ChildRun::Outcome tarCat = median(runs, [&](int) {
        return ChildRun::run(u"tar"_s, {u"-xzOf"_s, blobPath, target->path.mid(1)});
    });
    if (!berthCat.ok() || !tarCat.ok() || berthCat.out != tarCat.out)
        return fail(u"berth cat and tar -xzOf disagree on "_s + target->path);

    QFile::remove(blobPath);
    const qint64 checkpointBytes = [&] {
        qint64 bytes = 0;
        QDirIterator it(cacheHome, {u"*.listing"_s}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext())
            bytes += QFileInfo(it.next()).size();
        return bytes;
    }();

    say(u""_s);
    say(u"| | berth | baseline | ratio |"_s);
    say(u"|---|---|---|---|"_s);
    say(u"| list a %1 MB gzip layer (`berth ls --layer 1 --json`, empty cache vs `tar -tzf`) | %2 ms, %3 MiB peak | %4 ms, %5 MiB peak | %6x time, %7x memory |"_s
                .arg(blob.size() / 1000000)
                .arg(berthCold.totalMs)
                .arg(berthCold.peakKiB / 1024)
                .arg(tarList.totalMs)
                .arg(tarList.peakKiB / 1024)
                .arg(ratio(berthCold.totalMs, tarList.totalMs), 0, 'f', 2)
                .arg(ratio(berthCold.peakKiB, tarList.peakKiB), 0, 'f', 2));
    say(u"| the same, listing cached | %1 ms, %2 MiB peak | %3 ms | %4x |"_s.arg(berthWarm.totalMs)
                .arg(berthWarm.peakKiB / 1024)
                .arg(tarList.totalMs)
                .arg(ratio(berthWarm.totalMs, tarList.totalMs), 0, 'f', 2));
    say(u"| entries | %1 | %2 (tar -t lines) | |"_s.arg(berthEntries).arg(tarEntries));
    say(u"| read %1 (%2 bytes) of the listed layer: the Range asked for vs the blob | %3 (%4 "
        "arrived before the file was read) | %5 | %6x |"_s.arg(target->path)
                .arg(target->size)
                .arg(read->requestedBytes)
                .arg(read->fetchedBytes)
                .arg(blob.size())
                .arg(ratio(read->requestedBytes, blob.size()), 0, 'f', 4));
    say(u"| the same, `berth cat` vs `tar -xzOf` on the blob file | %1 ms | %2 ms | %3x |"_s
                .arg(berthCat.totalMs)
                .arg(tarCat.totalMs)
                .arg(ratio(berthCat.totalMs, tarCat.totalMs), 0, 'f', 2));
    say(u"| the listing on disk (entries, digests, %1 checkpoints) vs the blob | %2 bytes | %3 bytes | %4x |"_s
                .arg(listing->checkpoints.size())
                .arg(checkpointBytes)
                .arg(blob.size())
                .arg(ratio(checkpointBytes, blob.size()), 0, 'f', 4));

    if (parser.isSet(json)) {
        QFile out(parser.value(json));
        if (out.open(QIODevice::WriteOnly)) {
            out.write(QJsonDocument(
                              QJsonObject{{u"blob_bytes"_s, blob.size()},
                                          {u"berth_ls_cold"_s, berthCold.toJson()},
                                          {u"berth_ls_warm"_s, berthWarm.toJson()},
                                          {u"tar_tzf"_s, tarList.toJson()},
                                          {u"entries"_s, qint64(berthEntries)},
                                          {u"tar_entries"_s, qint64(tarEntries)},
                                          {u"file"_s, target->path},
                                          {u"file_bytes"_s, target->size},
                                          {u"fetched_bytes"_s, read->fetchedBytes},
                                          {u"requested_bytes"_s, read->requestedBytes},
                                          {u"berth_cat"_s, berthCat.toJson()},
                                          {u"tar_xzof"_s, tarCat.toJson()},
                                          {u"listing_bytes"_s, checkpointBytes},
                                          {u"checkpoints"_s, qint64(listing->checkpoints.size())}})
                              .toJson());
        }
    }
    say(u"berth-layer-bench: complete"_s);
    return 0;
}
