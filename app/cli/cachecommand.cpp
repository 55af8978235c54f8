#include "app/cli/cachecommand.h"

#include "app/cli/output.h"
#include "app/settings.h"

#include "models/files/layerlistingcache.h"
#include "models/metadata/metadatacache.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

#include <memory>

using namespace Qt::StringLiterals;

namespace Berth::Cli {

namespace {

QString sizeText(qint64 bytes)
{
    return u"%1 (%2 bytes)"_s.arg(QLocale::c().formattedDataSize(bytes), QString::number(bytes));
}

//! The metadata cache berth and the window use, opened only when its file exists: looking at
//! or clearing a cache that is not there must not create one. Null (with *error empty) when
//! there is none; null with *error set when it exists but cannot be opened.
std::unique_ptr<MetadataCache> existingMetadataCache(QString *error)
{
    const QString path = MetadataCache::defaultDatabasePath();
    if (!QFile::exists(path))
        return nullptr;
    auto cache = std::make_unique<MetadataCache>(path);
    if (!cache->open(error))
        return nullptr;
    return cache;
}

qint64 configuredMaxBytes()
{
    return Settings::metadataCacheMaxBytes().value_or(MetadataCache::DefaultMaxBytes);
}

//! A parser for `berth cache SUBCOMMAND`: --help and description.
void prepare(QCommandLineParser &parser, const QString &description)
{
    parser.setApplicationDescription(description);
    parser.addHelpOption();
}

} // namespace

QString CacheCommand::name() const
{
    return u"cache"_s;
}

QString CacheCommand::summary() const
{
    return tr("Show or clear the disk cache of image metadata and layer listings.");
}

QString CacheCommand::helpText() const
{
    return tr("Usage: berth cache info [--json]\n"
              "       berth cache clear [REGISTRY]\n\n"
              "The disk cache berth and the window share: image metadata by digest and each "
              "tag's last known digest (%1),\nand the files of layers listed by ls, cat and diff "
              "(%2).\n\n"
              "Subcommands:\n"
              "  info [--json]     Where the cache is, its size on disk and what it holds.\n"
              "  clear [REGISTRY]  Empty it; with REGISTRY (host[:port]) only that registry's "
              "tags and the images\n"
              "                    no other registry's tags point at.\n\n"
              "Commands that read metadata (export, inspect, cleanup, ls, cat, diff) use the cache "
              "unless given --no-cache.\n"
              "Exit codes: 0 success (also for an empty or missing cache), 1 error, 2 usage "
              "error.\n")
            .arg(MetadataCache::defaultDatabasePath(), LayerListingCache().directory());
}

int CacheCommand::usageError(const QString &message) const
{
    writeErrLine(u"berth cache: "_s + message);
    return ExitUsage;
}

void CacheCommand::run(const QStringList &arguments)
{
    const QString subcommand = arguments.value(1);
    if (subcommand == u"--help" || subcommand == u"-h" || subcommand == u"help") {
        writeOut(helpText().toUtf8());
        return Q_EMIT finished(ExitOk);
    }
    // The subcommand's parser sees "berth cache SUBCOMMAND" as its program name.
    const QStringList rest = QStringList{u"berth cache "_s + subcommand} + arguments.mid(2);
    if (subcommand == u"info")
        return Q_EMIT finished(info(rest));
    if (subcommand == u"clear")
        return Q_EMIT finished(clear(rest));
    if (subcommand.isEmpty())
        return Q_EMIT finished(usageError(u"expected info or clear (see berth cache --help)"_s));
    Q_EMIT finished(usageError(
            u"unknown subcommand \"%1\": expected info or clear (see berth cache --help)"_s.arg(
                    subcommand)));
}

int CacheCommand::info(const QStringList &arguments)
{
    QCommandLineParser parser;
    prepare(parser,
            tr("Where the disk cache is, its size on disk (metadata database and its log, layer "
               "listings) and what it holds: images, tags, registries.\nJSON: {\"path\", "
               "\"bytes\", \"images\", \"tags\", \"registries\": [host...], ...}."));
    const QCommandLineOption json(u"json"_s, tr("Print one JSON object."));
    parser.addOption(json);
    if (!parser.parse(arguments))
        return usageError(parser.errorText());
    if (parser.isSet(u"help"_s)) {
        writeOut(commandHelp(parser, u"cache info"_s).toUtf8());
        return ExitOk;
    }
    if (!parser.positionalArguments().isEmpty())
        return usageError(u"cache info takes no arguments (see berth cache info --help)"_s);

    QString error;
    const std::unique_ptr<MetadataCache> cache = existingMetadataCache(&error);
    if (!cache && !error.isEmpty()) {
        writeErrLine(u"berth cache: cannot read the metadata cache: "_s + error);
        return ExitError;
    }
    // A cache that is not there has no rows; its statistics say so without creating it.
    CacheStatistics metadata = cache ? cache->statistics() : CacheStatistics{};
    metadata.path = MetadataCache::defaultDatabasePath();
    metadata.maxBytes = configuredMaxBytes();
    metadata.fileBytes = MetadataCache::fileBytes(metadata.path);
    const LayerListingCache layers;
    const LayerListingCache::Usage listings = layers.usage();
    const QString folder = QFileInfo(metadata.path).absolutePath();
    const qint64 bytes = metadata.fileBytes + listings.bytes;

    if (parser.isSet(json)) {
        QJsonArray registries;
        QJsonObject byRegistry;
        for (auto it = metadata.registries.cbegin(); it != metadata.registries.cend(); ++it) {
            registries.append(it.key());
            byRegistry.insert(it.key(), QJsonObject{{u"repositories"_s, it->repositories},
                                                    {u"tags"_s, it->tags}});
        }
        const QJsonObject object{
                {u"path"_s, folder},
                {u"bytes"_s, bytes},
                {u"images"_s, metadata.images},
                {u"tags"_s, metadata.tags},
                {u"registries"_s, registries},
                {u"database"_s, metadata.path},
                {u"database_bytes"_s, metadata.fileBytes},
                {u"metadata_bytes"_s, metadata.payloadBytes},
                {u"max_bytes"_s, metadata.maxBytes},
                {u"layer_listings"_s, listings.listings},
                {u"layer_listing_bytes"_s, listings.bytes},
                {u"layers_path"_s, layers.directory()},
                {u"by_registry"_s, byRegistry},
        };
        writeOut(QJsonDocument(object).toJson(QJsonDocument::Indented));
        return ExitOk;
    }

    QString text;
    const auto row = [&text](const QString &label, const QString &value) {
        text += QString(label + u':').leftJustified(16) + value + u'\n';
    };
    row(u"Cache"_s, folder);
    row(u"Size on disk"_s, sizeText(bytes));
    row(u"Metadata"_s, u"%1, %2 images, %3 tags; cap %4"_s.arg(sizeText(metadata.fileBytes))
                               .arg(metadata.images)
                               .arg(metadata.tags)
                               .arg(QLocale::c().formattedDataSize(metadata.maxBytes)));
    row(u"Layer listings"_s,
        u"%1, %2 layers"_s.arg(sizeText(listings.bytes)).arg(listings.listings));
    if (!metadata.registries.isEmpty()) {
        qsizetype width = 8;
        for (auto it = metadata.registries.cbegin(); it != metadata.registries.cend(); ++it)
            width = qMax(width, it.key().size());
        text += u'\n' + u"REGISTRY"_s.leftJustified(width + 2) + u"REPOSITORIES  TAGS\n"_s;
        for (auto it = metadata.registries.cbegin(); it != metadata.registries.cend(); ++it) {
            text += it.key().leftJustified(width + 2)
                    + QString::number(it->repositories).leftJustified(14)
                    + QString::number(it->tags) + u'\n';
        }
    }
    // Registry names come from the file: shown visibly, line by line.
    for (const QString &line : text.split(u'\n', Qt::SkipEmptyParts))
        writeOutLine(line);
    return ExitOk;
}

int CacheCommand::clear(const QStringList &arguments)
{
    QCommandLineParser parser;
    prepare(parser, tr("Empty the disk cache (metadata and layer listings). With REGISTRY only "
                       "that registry's tag records go, with the image metadata no other "
                       "registry's tags point at; layer listings stay."));
    parser.addPositionalArgument(u"registry"_s, tr("host[:port], e.g. 127.0.0.1:5000"),
                                 u"[registry]"_s);
    if (!parser.parse(arguments))
        return usageError(parser.errorText());
    if (parser.isSet(u"help"_s)) {
        writeOut(commandHelp(parser, u"cache clear"_s).toUtf8());
        return ExitOk;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1)
        return usageError(
                u"cache clear takes at most one REGISTRY (see berth cache clear --help)"_s);
    const QString registry = positional.value(0);
    if (positional.size() == 1 && (registry.isEmpty() || registry.contains(u'/'))) {
        return usageError(
                u"give a registry as host[:port] (127.0.0.1:5000), not \"%1\""_s.arg(registry));
    }

    QString error;
    const std::unique_ptr<MetadataCache> cache = existingMetadataCache(&error);
    if (!cache && !error.isEmpty()) {
        writeErrLine(u"berth cache: cannot open the metadata cache: "_s + error);
        return ExitError;
    }
    if (cache) {
        if (const std::optional<qint64> cap = Settings::metadataCacheMaxBytes())
            cache->setMaxBytes(*cap);
    }
    const CacheStatistics before = cache ? cache->statistics() : CacheStatistics{};

    if (!registry.isEmpty()) {
        const RegistryUsage usage = before.registries.value(registry);
        if (usage.tags == 0) {
            writeOutLine(u"nothing cached for %1"_s.arg(registry));
            return ExitOk;
        }
        if (!cache->clearRegistry(registry)) {
            writeErrLine(u"berth cache: could not clear %1 (another berth may hold the cache "
                         "busy; try again)"_s.arg(registry));
            return ExitError;
        }
        const CacheStatistics after = cache->statistics();
        writeOutLine(u"cleared %1: %2 tags, %3 images"_s.arg(registry)
                             .arg(before.tags - after.tags)
                             .arg(before.images - after.images));
        return ExitOk;
    }

    if (cache && !cache->clearAll()) {
        writeErrLine(u"berth cache: could not clear the metadata cache (another berth may hold "
                     "it busy; try again)"_s);
        return ExitError;
    }
    const LayerListingCache layers;
    const LayerListingCache::Usage listings = layers.usage();
    if (!layers.clear()) {
        writeErrLine(u"berth cache: could not remove every layer listing in "_s
                     + layers.directory());
        return ExitError;
    }
    writeOutLine(u"cleared: %1 tags, %2 images, %3 layer listings"_s.arg(before.tags)
                         .arg(before.images)
                         .arg(listings.listings));
    return ExitOk;
}

} // namespace Berth::Cli
