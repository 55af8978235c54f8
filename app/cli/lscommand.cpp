#include "app/cli/lscommand.h"

#include "app/cli/commandarguments.h"
#include "app/cli/output.h"

#include "models/session/registrysession.h"

#include "net/core/imagereference.h"
#include "net/core/servertext.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Berth::Cli {

QString LsCommand::name() const
{
    return u"ls"_s;
}

QString LsCommand::summary() const
{
    return tr("List an image's files (all layers merged), or one layer's own entries.");
}

void LsCommand::run(const QStringList &arguments)
{
    CommandArguments args(name(), summary());
    args.parser().addPositionalArgument(u"image"_s, imageHelp());
    args.parser().addPositionalArgument(
            u"path"_s, tr("The folder to list (default /), recursively."), u"[path]"_s);
    const QCommandLineOption platform = platformOption();
    const QCommandLineOption layer(u"layer"_s,
                                   tr("Only the entries of layer N (1 = the base layer), "
                                      "whiteouts included."),
                                   u"n"_s);
    const QCommandLineOption json(u"json"_s, tr("Print one JSON object."));
    args.parser().addOptions({platform, layer, json});
    args.offerCache();
    if (const auto exit = args.parse(arguments, 1, 2, u"IMAGE [PATH]"_s))
        return Q_EMIT finished(*exit);
    const Result<ImageReference> reference = imageArgument(args.positionalArguments().at(0));
    if (!reference)
        return Q_EMIT finished(args.usageError(reference.error().message));
    const Result<QString> chosen = checkPlatform(args.value(platform));
    if (!chosen)
        return Q_EMIT finished(args.usageError(chosen.error().message));
    int layerNumber = 0;
    if (args.isSet(layer)) {
        bool ok = false;
        layerNumber = args.value(layer).toInt(&ok);
        if (!ok || layerNumber < 1) {
            return Q_EMIT finished(args.usageError(
                    u"--layer takes a layer number, 1 for the base layer, not \"%1\""_s.arg(
                            args.value(layer))));
        }
    }
    const QString path = ImageFilesystem::cleanPath(args.positionalArguments().value(1, u"/"_s));
    const bool asJson = args.isSet(json);
    const ImageReference image = *reference;
    openSession(args.registryOptions(), image, [=, this] {
        loadImage(session(), image, *chosen, ImageFilesJob::Depth::Files,
                  [=, this](const ImageFiles &files) {
                      list(image, files, path, layerNumber, asJson);
                  });
    });
}

QJsonObject LsCommand::entryJson(const LayerEntry &entry, int layer)
{
    QJsonObject object{{u"path"_s, entry.path},
                       {u"type"_s, entryTypeName(entry.type)},
                       {u"size"_s, entry.size},
                       {u"mode"_s, entry.modeText()},
                       {u"link"_s, entry.link.isEmpty() ? QJsonValue() : QJsonValue(entry.link)},
                       {u"layer"_s, layer}};
    if (entry.opaque)
        object.insert(u"opaque"_s, true);
    return object;
}

QString LsCommand::entryText(const LayerEntry &entry, int layer)
{
    static const QHash<EntryType, QChar> letters{
            {EntryType::File, u'-'},     {EntryType::Dir, u'd'},      {EntryType::Symlink, u'l'},
            {EntryType::Hardlink, u'h'}, {EntryType::Whiteout, u'w'}, {EntryType::Other, u'?'}};
    QString line
            = letters.value(entry.type) + entry.modeText() + u"  "_s
              + u"%1/%2"_s.arg(entry.uid).arg(entry.gid).leftJustified(11) + u' '
              + QString::number(entry.size).rightJustified(12) + u"  "_s
              + QDateTime::fromSecsSinceEpoch(entry.mtime, Qt::UTC).toString(u"yyyy-MM-dd HH:mm"_s)
              + u"  L"_s + QString::number(layer).leftJustified(3) + u' ' + entry.path;
    if (entry.opaque)
        line += u" (opaque: the layers below are hidden)"_s;
    else if (entry.type == EntryType::Symlink)
        line += u" -> "_s + entry.link;
    else if (entry.type == EntryType::Hardlink)
        line += u" => "_s + entry.link;
    return line;
}

void LsCommand::list(const ImageReference &reference, const ImageFiles &files, const QString &path,
                     int layer, bool asJson)
{
    QList<QPair<LayerEntry, int>> rows;
    if (layer > 0) {
        if (layer > files.listings.size()) {
            writeErrLine(u"berth ls: %1 has %2 layers, not %3"_s.arg(reference.toString())
                                 .arg(files.listings.size())
                                 .arg(layer));
            return Q_EMIT finished(ExitUsage);
        }
        const QString prefix = path == u"/"_s ? path : path + u'/';
        for (const LayerEntry &entry : files.listings.at(layer - 1).entries) {
            if (entry.path == path || entry.path.startsWith(prefix))
                rows.append({entry, layer});
        }
        std::stable_sort(rows.begin(), rows.end(),
                         [](const auto &a, const auto &b) { return a.first.path < b.first.path; });
    } else {
        const Result<QString> resolved = files.filesystem.resolvePath(path, true);
        if (!resolved) {
            writeErrLine(u"berth ls: %1: %2"_s.arg(reference.toString(), resolved.error().message));
            return Q_EMIT finished(ExitError);
        }
        const MergedEntry *self = files.filesystem.find(*resolved);
        if (self && self->entry.type != EntryType::Dir)
            rows.append({self->entry, self->layer});
        for (const MergedEntry *merged : files.filesystem.under(*resolved))
            rows.append({merged->entry, merged->layer});
    }
    for (const QString &note : files.notes)
        writeErrLine(u"berth ls: note: "_s + note);
    if (asJson) {
        QJsonArray entries;
        for (const auto &[entry, number] : std::as_const(rows))
            entries.append(entryJson(entry, number));
        const QJsonObject object{{u"reference"_s, reference.toString()},
                                 {u"digest"_s, files.image.digest},
                                 {u"platform"_s, files.platform()},
                                 {u"entries"_s, entries}};
        writeOut(QJsonDocument(object).toJson(QJsonDocument::Indented));
    } else {
        // Written in blocks: a flush per line would cost more than the listing.
        QByteArray block;
        for (const auto &[entry, number] : std::as_const(rows)) {
            block += ServerText::visible(entryText(entry, number)).toUtf8() + '\n';
            if (block.size() > 64 * 1024)
                writeOut(std::exchange(block, {}));
        }
        writeOut(block);
    }
    Q_EMIT finished(ExitOk);
}

} // namespace Berth::Cli
