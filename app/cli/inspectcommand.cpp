#include "app/cli/inspectcommand.h"

#include "app/cli/commandarguments.h"
#include "app/cli/output.h"
#include "app/cli/registryoptions.h"
#include "models/metadata/metadataservice.h"
#include "models/session/registrysession.h"

#include "net/core/digest.h"
#include "net/core/imagereference.h"
#include "net/core/servertext.h"
#include "net/formats/imagemetadata.h"

#include <QJsonDocument>
#include <QLocale>

using namespace Qt::StringLiterals;

namespace Berth::Cli {

QString InspectCommand::name() const
{
    return u"inspect"_s;
}

QString InspectCommand::summary() const
{
    return tr("Show an image's digest, kind, size, creation time and platforms.");
}

void InspectCommand::run(const QStringList &arguments)
{
    CommandArguments args(name(), summary());
    args.parser().addPositionalArgument(
            u"image"_s, tr("host[:port]/path[:tag][@digest]; the tag defaults to latest"));
    const QCommandLineOption json(u"json"_s, tr("Print one JSON object."));
    args.parser().addOption(json);
    args.offerCache();
    if (const auto exit = args.parse(arguments, 1, u"one IMAGE"_s))
        return Q_EMIT finished(*exit);
    auto parsed = ImageReference::parse(args.positionalArguments().constFirst());
    if (!parsed)
        return Q_EMIT finished(args.usageError(parsed.error().message));
    ImageReference reference = *parsed;
    if (!reference.hasTag() && !reference.hasDigest())
        reference = reference.withTag(u"latest"_s);
    const bool asJson = args.isSet(json);

    const RegistryOptions &options = args.registryOptions();
    openSession(options, reference, [this, reference, asJson] { inspect(reference, asJson); });
}

void InspectCommand::inspect(const ImageReference &reference, bool asJson)
{
    session()
            ->metadata()
            ->metadata(reference.repository(), reference.reference(), Priority::Interactive)
            ->onFinished(this, [this, reference,
                                asJson](const Result<MetadataService::TagMetadata> &result) {
                if (!result) {
                    writeErrLine(u"berth inspect: %1: %2"_s.arg(reference.toString(),
                                                                result.error().toString()));
                    return Q_EMIT finished(ExitError);
                }
                const ImageMetadata &metadata = *result->metadata;
                if (asJson)
                    writeOut(toJson(reference, metadata));
                else
                    writeOut(toText(reference, metadata).toUtf8());
                Q_EMIT finished(ExitOk);
            });
}

QByteArray InspectCommand::toJson(const ImageReference &reference, const ImageMetadata &metadata)
{
    QJsonObject object = metadata.toJson();
    object.insert(u"repository"_s, reference.repositoryName());
    object.insert(u"tag"_s, reference.hasTag() ? QJsonValue(reference.tag()) : QJsonValue());
    return QJsonDocument(object).toJson(QJsonDocument::Indented);
}

static QString sizeText(qint64 bytes)
{
    if (bytes < 0)
        return u"unknown"_s;
    return u"%1 (%2 bytes)"_s.arg(QLocale::c().formattedDataSize(bytes), QString::number(bytes));
}

static QString timeText(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODate) : u"unknown"_s;
}

QString InspectCommand::toText(const ImageReference &reference, const ImageMetadata &metadata)
{
    // Every value comes from the server (media types, labels, platforms): made visible, so a
    // label cannot steer the terminal or fake a line.
    using ServerText::visible;
    QString text;
    const auto row = [&text](const QString &label, const QString &value) {
        text += label.leftJustified(12) + visible(value) + u'\n';
    };
    row(u"Reference"_s, reference.toString());
    row(u"Digest"_s, metadata.digest);
    row(u"Media type"_s, metadata.mediaType);
    row(u"Kind"_s, artifactKindName(metadata.kind));
    row(u"Size"_s, sizeText(metadata.size));
    row(u"Created"_s, timeText(metadata.created));
    if (!metadata.platforms.isEmpty()) {
        text += u"Platforms\n"_s;
        for (const PlatformImage &platform : metadata.platforms) {
            text += u"  %1 %2 %3 %4%5\n"_s.arg(
                    visible(platform.platform.toString()).leftJustified(16),
                    Digest::shortForm(platform.digest), sizeText(platform.size).leftJustified(24),
                    timeText(platform.created),
                    platform.error.isEmpty() ? QString()
                                             : u"  ("_s + visible(platform.error) + u')');
        }
    }
    if (!metadata.attestations.isEmpty()) {
        text += u"Attestations\n"_s;
        for (const PlatformImage &attestation : metadata.attestations)
            text += u"  "_s + visible(attestation.digest) + u'\n';
    }
    if (!metadata.config.labels.isEmpty()) {
        text += u"Labels\n"_s;
        for (auto it = metadata.config.labels.cbegin(); it != metadata.config.labels.cend(); ++it)
            text += u"  %1=%2\n"_s.arg(visible(it.key()), visible(it.value()));
    }
    for (const QString &warning : metadata.warnings)
        text += u"Warning     "_s + visible(warning) + u'\n';
    return text;
}

} // namespace Berth::Cli
