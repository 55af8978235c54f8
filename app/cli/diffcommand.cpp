#include "app/cli/diffcommand.h"

#include "app/cli/commandarguments.h"
#include "app/cli/output.h"

#include "models/files/imagecomparison.h"
#include "models/session/registrysession.h"

#include "net/core/imagereference.h"

#include <QJsonDocument>
#include <QLocale>

using namespace Qt::StringLiterals;

namespace Berth::Cli {

QString DiffCommand::name() const
{
    return u"diff"_s;
}

QString DiffCommand::summary() const
{
    return tr("Compare two images: config, layers, size and, with --files, their files.");
}

void DiffCommand::run(const QStringList &arguments)
{
    CommandArguments args(name(), summary());
    args.parser().addPositionalArgument(u"image-a"_s, tr("The image compared from."));
    args.parser().addPositionalArgument(u"image-b"_s, tr("The image compared to (any registry)."));
    const QCommandLineOption platform = platformOption();
    const QCommandLineOption files(u"files"_s,
                                   tr("Compare the files too (reads every layer not listed "
                                      "before)."));
    const QCommandLineOption json(u"json"_s, tr("Print one JSON object."));
    args.parser().addOptions({platform, files, json});
    args.offerCache();
    if (const auto exit = args.parse(arguments, 2, u"IMAGE_A IMAGE_B"_s))
        return Q_EMIT finished(*exit);
    const Result<ImageReference> a = imageArgument(args.positionalArguments().at(0));
    if (!a)
        return Q_EMIT finished(args.usageError(a.error().message));
    const Result<ImageReference> b = imageArgument(args.positionalArguments().at(1));
    if (!b)
        return Q_EMIT finished(args.usageError(b.error().message));
    const Result<QString> chosen = checkPlatform(args.value(platform));
    if (!chosen)
        return Q_EMIT finished(args.usageError(chosen.error().message));
    m_a = *a;
    m_b = *b;
    m_platform = *chosen;
    m_files = args.isSet(files);
    m_json = args.isSet(json);
    const RegistryOptions options = args.registryOptions();
    openSession(options, *m_a, [this, options] {
        RegistrySession *sessionA = session();
        if (m_b->registry() == m_a->registry())
            return loadBoth(sessionA, sessionA);
        openSession(options, *m_b, [this, sessionA] { loadBoth(sessionA, session()); });
    });
}

void DiffCommand::loadBoth(RegistrySession *sessionA, RegistrySession *sessionB)
{
    const auto depth = m_files ? ImageFilesJob::Depth::Files : ImageFilesJob::Depth::Metadata;
    loadImage(sessionA, *m_a, m_platform, depth, [this, sessionB, depth](const ImageFiles &a) {
        loadImage(sessionB, *m_b, m_platform, depth,
                  [this, a](const ImageFiles &b) { compare(a, b); });
    });
}

void DiffCommand::compare(const ImageFiles &a, const ImageFiles &b)
{
    ImageComparison comparison
            = ImageComparison::compare(m_a->toString(), a.image, m_b->toString(), b.image);
    if (m_files)
        comparison.compareFiles(a.filesystem, b.filesystem);
    if (m_json)
        writeOut(QJsonDocument(comparison.toJson()).toJson(QJsonDocument::Indented));
    else
        // Each line made visible on its own: config values come from the server.
        for (const QString &line : toText(comparison, a, b).chopped(1).split(u'\n'))
            writeOutLine(line);
    Q_EMIT finished(ExitOk);
}

static QString sizeText(qint64 bytes)
{
    return QLocale::c().formattedDataSize(bytes);
}

QString DiffCommand::toText(const ImageComparison &comparison, const ImageFiles &a,
                            const ImageFiles &b)
{
    QString text = u"A  %1 (%2)\nB  %3 (%4)\n"_s.arg(comparison.a, a.image.digest, comparison.b,
                                                     b.image.digest);
    const auto indented = [](const QString &value) {
        QString lines = value;
        return lines.replace(u'\n', u"\n        "_s);
    };
    bool anyConfig = false;
    for (const ConfigField &field : comparison.fields) {
        if (!field.differs())
            continue;
        if (!anyConfig)
            text += u"\nConfig\n"_s;
        anyConfig = true;
        text += u"  %1\n    A   %2\n    B   %3\n"_s.arg(field.name,
                                                        indented(ConfigField::text(field.a)),
                                                        indented(ConfigField::text(field.b)));
    }
    if (!anyConfig)
        text += u"\nConfig: the same\n"_s;
    QHash<QString, qint64> sizes;
    for (const Descriptor &layer : a.image.layers)
        sizes.insert(layer.digest, layer.size);
    for (const Descriptor &layer : b.image.layers)
        sizes.insert(layer.digest, layer.size);
    text += u"\nLayers\n"_s;
    const auto layerLines = [&](const QString &label, const QStringList &digests) {
        for (const QString &digest : digests)
            text += u"  %1 %2 %3\n"_s.arg(label.leftJustified(7), digest,
                                          sizeText(sizes.value(digest)).rightJustified(10));
    };
    layerLines(u"shared"_s, comparison.sharedLayers);
    layerLines(u"only A"_s, comparison.onlyA);
    layerLines(u"only B"_s, comparison.onlyB);
    const qint64 delta = comparison.sizeDelta();
    text += u"\nSize    A %1, B %2 (%3%4)\n"_s.arg(
            sizeText(comparison.sizeA), sizeText(comparison.sizeB), delta >= 0 ? u"+"_s : u"-"_s,
            sizeText(qAbs(delta)));
    if (comparison.comparedFiles) {
        text += u"\nFiles: %1 added, %2 removed, %3 changed\n"_s.arg(comparison.added.size())
                        .arg(comparison.removed.size())
                        .arg(comparison.changed.size());
        for (const QString &path : comparison.added)
            text += u"  + "_s + path + u'\n';
        for (const QString &path : comparison.removed)
            text += u"  - "_s + path + u'\n';
        for (const QString &path : comparison.changed)
            text += u"  ~ "_s + path + u'\n';
    }
    return text;
}

} // namespace Berth::Cli
