#include "retagcommand.h"

#include "output.h"
#include "registryoptions.h"
#include "registrysession.h"

#include "imagereference.h"
#include "registrybackend.h"

#include <QCommandLineParser>

using namespace Qt::StringLiterals;

namespace Berth::Cli {

QString RetagCommand::name() const
{
    return u"retag"_s;
}

QString RetagCommand::summary() const
{
    return tr("Add a tag to an image (same digest) and print its digest.");
}

void RetagCommand::run(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(summary()
                                     + tr("\n\nExit codes: 0 success, 1 error, 2 usage error."));
    parser.addHelpOption();
    parser.addPositionalArgument(u"image"_s,
                                 tr("host[:port]/path[:tag][@digest]; the tag defaults to latest"));
    parser.addPositionalArgument(u"new_tag"_s, tr("the tag to add in the same repository"));
    RegistryOptions registryOptions;
    registryOptions.addTo(parser);

    const auto usage = [this](const QString &message) {
        writeErrLine(u"berth retag: "_s + message);
        Q_EMIT finished(ExitUsage);
    };
    if (!parser.parse(arguments))
        return usage(parser.errorText());
    if (parser.isSet(u"help"_s)) {
        writeOut(parser.helpText().toUtf8());
        return Q_EMIT finished(ExitOk);
    }
    if (parser.positionalArguments().size() != 2)
        return usage(u"expected IMAGE and NEW_TAG (see berth retag --help)"_s);
    auto parsed = ImageReference::parse(parser.positionalArguments().at(0));
    if (!parsed)
        return usage(parsed.error().message);
    const QString newTag = parser.positionalArguments().at(1);
    if (!ImageReference::isValidTag(newTag))
        return usage(
                u"\"%1\" is not a valid tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})"_s.arg(newTag));
    if (const auto ok = registryOptions.read(parser); !ok)
        return usage(ok.error().message);
    ImageReference reference = *parsed;
    if (!reference.hasTag() && !reference.hasDigest())
        reference = reference.withTag(u"latest"_s);

    m_session = new RegistrySession(registryOptions.endpointFor(reference), registryOptions.kind(),
                                    this);
    m_session->backend()->addTag(
            reference.repository(), reference.reference(), QString(), newTag, this,
            [this, reference, newTag](Result<QString> digest) {
                if (!digest) {
                    writeErrLine(u"berth retag: %1 -> %2: %3"_s.arg(reference.toString(), newTag,
                                                                    digest.error().toString()));
                    return Q_EMIT finished(ExitError);
                }
                writeOutLine(*digest);
                Q_EMIT finished(ExitOk);
            });
}

} // namespace Berth::Cli
