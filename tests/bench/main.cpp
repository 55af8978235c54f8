// berth-bench: figures for the tag table, `berth tags` and their peers (skopeo, a raw client)
// against a real registry. See docs/performance.md; run it through tests/bench/run.sh.

#include "benchmark.h"

#include <QCommandLineParser>
#include <QGuiApplication>

#include <cstdio>

using namespace Qt::StringLiterals;
using Berth::Test::Benchmark;

int main(int argc, char *argv[])
{
    // Headless: the model is measured as the GUI would drive it, without a display.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    app.setApplicationName(u"berth-bench"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Berth benchmarks: prints a table, writes JSON."_s);
    parser.addHelpOption();
    const QCommandLineOption quick(u"quick"_s, u"Smoke run: 1,000 tags, one run each, "
                                               "100,000 rows for the memory figure."_s);
    const QCommandLineOption sizes(u"sizes"_s, u"Tag counts, comma separated."_s, u"list"_s,
                                   u"1000,10000,100000"_s);
    const QCommandLineOption berth(u"berth"_s, u"The berth executable."_s, u"path"_s);
    const QCommandLineOption json(u"json"_s, u"Write the figures here."_s, u"path"_s);
    const QCommandLineOption memoryRows(u"memory-rows"_s, u"Rows for the memory figure."_s, u"n"_s,
                                        u"1000000"_s);
    const QCommandLineOption repeats(u"repeats"_s, u"Runs of each listing command (median)."_s,
                                     u"n"_s, u"3"_s);
    const QCommandLineOption images(u"images"_s, u"Distinct images behind the tags."_s, u"n"_s,
                                    u"200"_s);
    const QCommandLineOption exportMax(
            u"export-max"_s, u"Largest size exported with berth export."_s, u"n"_s, u"10000"_s);
    const QCommandLineOption cleanupMax(u"cleanup-max"_s,
                                        u"Largest size planned for a clean-up (a HEAD per tag)."_s,
                                        u"n"_s, u"100000"_s);
    const QCommandLineOption memoryChild(u"memory-child"_s, u"(internal) memory scenario."_s,
                                         u"rows"_s);
    parser.addOptions({quick, sizes, berth, json, memoryRows, repeats, images, exportMax,
                       cleanupMax, memoryChild});
    parser.process(app);

    if (parser.isSet(memoryChild))
        return Benchmark::runMemoryChild(parser.value(memoryChild).toLongLong());

    Benchmark::Options options;
    options.quick = parser.isSet(quick);
    options.sizes.clear();
    for (const QString &size : parser.value(sizes).split(u',', Qt::SkipEmptyParts)) {
        bool ok = false;
        const int n = size.trimmed().toInt(&ok);
        if (!ok || n < 40) {
            std::fputs("berth-bench: --sizes needs numbers of at least 40\n", stderr);
            return 2;
        }
        options.sizes.append(n);
    }
    options.memoryRows = parser.value(memoryRows).toLongLong();
    options.repeats = std::max(1, parser.value(repeats).toInt());
    options.images = std::max(1, parser.value(images).toInt());
    options.exportMax = parser.value(exportMax).toInt();
    options.cleanupMax = parser.value(cleanupMax).toInt();
    if (options.quick) {
        // The smoke run keeps the harness from rotting in seconds, not figures worth quoting.
        options.sizes = {1000};
        options.repeats = 1;
        options.memoryRows = std::min<qint64>(options.memoryRows, 100000);
    }
    options.berthBinary = parser.value(berth);
    if (options.berthBinary.isEmpty()) {
        std::fputs("berth-bench: --berth PATH is required (tests/bench/run.sh passes it)\n",
                   stderr);
        return 2;
    }
    options.jsonPath = parser.value(json);

    Benchmark benchmark(options);
    return benchmark.run();
}
