#include "app/cli/exportcommand.h"

#include "app/cli/output.h"
#include "app/cli/registryoptions.h"
#include "models/session/registrysession.h"

#include "models/metadata/metadataservice.h"
#include "models/report/reportjob.h"
#include "net/core/imagereference.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace Berth::Cli {

namespace {

//! The options of `berth export` besides the registry options.
struct ExportOptions
{
    QCommandLineOption format;
    QCommandLineOption output;
    QCommandLineOption filter;
    QCommandLineOption sort;
    QCommandLineOption order;
    QCommandLineOption columns;
    QCommandLineOption perPlatform;
};

//! Export's own options, as --help lists them.
ExportOptions exportOptions()
{
    return {
            QCommandLineOption(u"format"_s,
                               ExportCommand::tr("csv (default, or from the -o suffix), json, "
                                                 "markdown, html."),
                               u"format"_s),
            QCommandLineOption({u"o"_s, u"output"_s},
                               ExportCommand::tr("Write to FILE (created only when complete) "
                                                 "instead of standard output."),
                               u"file"_s),
            QCommandLineOption(u"filter"_s,
                               ExportCommand::tr("Only tags containing a match of this regular "
                                                 "expression."),
                               u"regex"_s),
            QCommandLineOption(u"sort"_s,
                               ExportCommand::tr("tag (natural order, default), created or size "
                                                 "(newest / largest first), pushed (Harbor, "
                                                 "newest first)."),
                               u"key"_s),
            QCommandLineOption(u"order"_s,
                               ExportCommand::tr("asc or desc: the direction of --sort (default: "
                                                 "asc for tag, desc for the others). Unknown "
                                                 "values stay last."),
                               u"direction"_s),
            QCommandLineOption(u"columns"_s,
                               ExportCommand::tr("Comma-separated columns to write, in this order "
                                                 "(default: all). Names as in the CSV header: "
                                                 "repository, tag, digest, kind, media_type, "
                                                 "platforms, size_bytes, created; Harbor: "
                                                 "pushed, pulled, labels, vulnerabilities. JSON "
                                                 "leaves the other fields out."),
                               u"list"_s),
            QCommandLineOption(u"per-platform"_s,
                               ExportCommand::tr("One row per platform image of a multi-arch "
                                                 "index instead of one row per tag.")),
    };
}

//! Adds --help, REPOSITORY and export's own options to parser; summary heads the description.
ExportOptions declareOptions(QCommandLineParser &parser, const QString &summary)
{
    parser.setApplicationDescription(
            summary
            + ExportCommand::tr(
                    "\n\nColumns: repository, tag, digest, kind, media_type, platforms, "
                    "size_bytes, created (ISO-8601 UTC); Harbor (--kind harbor) adds pushed, "
                    "pulled, labels, vulnerabilities. The JSON shape is documented in "
                    "docs/report-schema.md.\nExit codes: 0 success, 1 error (also when some tags "
                    "could not be read or failed a digest check), 2 usage error."));
    parser.addHelpOption();
    parser.addPositionalArgument(
            u"repository"_s, ExportCommand::tr("host[:port]/path, e.g. 127.0.0.1:5000/team-a/api"));
    const ExportOptions option = exportOptions();
    parser.addOptions({option.format, option.output, option.filter, option.sort, option.order,
                       option.columns, option.perPlatform});
    return option;
}

// Each reader below copies its option's value into options and returns a usage error, or an
// empty string when the value is good or the option is not given.

//! The value of a named choice (--format, --sort, --order) into *target, which keeps its
//! default when the option is not given; an unknown name gives unknownMessage with it as %1.
template<typename T, typename Target>
QString readNamed(const QCommandLineParser &parser, const QCommandLineOption &option,
                  std::optional<T> (*fromName)(QStringView), const QString &unknownMessage,
                  Target *target)
{
    if (!parser.isSet(option))
        return {};
    const std::optional<T> chosen = fromName(parser.value(option));
    if (!chosen)
        return unknownMessage.arg(parser.value(option));
    *target = *chosen;
    return {};
}

//! --format, else the suffix of -o, else CSV.
QString readFormat(const QCommandLineParser &parser, const ExportOptions &option,
                   ReportOptions *options)
{
    if (parser.isSet(option.format)) {
        return readNamed(parser, option.format, reportFormatFromName,
                         u"unknown format \"%1\" (csv, json, markdown, html)"_s, &options->format);
    }
    if (const QString destination = parser.value(option.output); !destination.isEmpty()) {
        const QString suffix = QFileInfo(destination).suffix().toLower();
        options->format = reportFormatFromName(suffix == u"htm" ? u"html"_s : suffix)
                                  .value_or(ReportFormat::Csv);
    }
    return {};
}

QString readSort(const QCommandLineParser &parser, const ExportOptions &option,
                 ReportOptions *options)
{
    return readNamed(parser, option.sort, reportSortFromName,
                     u"unknown sort \"%1\" (tag, created, size, pushed)"_s, &options->sort);
}

QString readOrder(const QCommandLineParser &parser, const ExportOptions &option,
                  ReportOptions *options)
{
    return readNamed(parser, option.order, reportOrderFromName,
                     u"unknown order \"%1\" (asc, desc)"_s, &options->order);
}

QString readColumns(const QCommandLineParser &parser, const ExportOptions &option,
                    ReportOptions *options)
{
    if (parser.isSet(option.columns)) {
        QString error;
        const auto chosen = parseReportColumns(parser.value(option.columns), &error);
        if (!chosen)
            return u"--columns: "_s + error;
        options->columns = *chosen;
    }
    return {};
}

QString readFilter(const QCommandLineParser &parser, const ExportOptions &option,
                   ReportOptions *options)
{
    options->filter = parser.value(option.filter);
    if (!options->filter.isEmpty()) {
        const QRegularExpression expression(options->filter);
        if (!expression.isValid())
            return u"invalid --filter: "_s + expression.errorString();
    }
    return {};
}

//! Reads export's own options into options; the first usage error, or empty.
QString readReportOptions(const QCommandLineParser &parser, const ExportOptions &option,
                          ReportOptions *options)
{
    for (const auto read : {readFormat, readSort, readOrder, readColumns, readFilter}) {
        if (const QString problem = read(parser, option, options); !problem.isEmpty())
            return problem;
    }
    options->perPlatform = parser.isSet(option.perPlatform);
    return {};
}

} // namespace

ExportCommand::ExportCommand(QObject *parent)
    : Command(parent)
{}

ExportCommand::~ExportCommand() = default;

QString ExportCommand::name() const
{
    return u"export"_s;
}

QString ExportCommand::summary() const
{
    return tr("Write a report of a repository's tags (CSV, JSON, Markdown, HTML).");
}

void ExportCommand::run(const QStringList &arguments)
{
    QCommandLineParser parser;
    const ExportOptions option = declareOptions(parser, summary());
    RegistryOptions registryOptions;
    registryOptions.addTo(parser);
    registryOptions.offerCache(parser);

    const auto usage = [this](const QString &message) {
        writeErrLine(u"berth export: "_s + message);
        Q_EMIT finished(ExitUsage);
    };
    if (!parser.parse(arguments))
        return usage(parser.errorText());
    if (parser.isSet(u"help"_s)) {
        writeOut(commandHelp(parser, name()).toUtf8());
        return Q_EMIT finished(ExitOk);
    }
    if (parser.positionalArguments().size() != 1)
        return usage(u"expected one REPOSITORY (see berth export --help)"_s);
    const auto reference = ImageReference::parse(parser.positionalArguments().constFirst());
    if (!reference)
        return usage(reference.error().message);
    if (reference->hasTag() || reference->hasDigest())
        return usage(u"give a repository without a tag or digest"_s);

    ReportOptions options;
    options.repository = reference->repository();
    options.repositoryDisplayName = reference->repositoryName();
    m_destination = parser.value(option.output);
    if (const QString problem = readReportOptions(parser, option, &options); !problem.isEmpty())
        return usage(problem);
    if (const auto ok = registryOptions.read(parser); !ok)
        return usage(ok.error().message);

    // A plain registry named by --kind is known before connecting; a detected one only after.
    if (registryOptions.kind() == u"registry") {
        if (const QString problem = needsHarbor(options); !problem.isEmpty())
            return usage(problem);
    }
    openSession(registryOptions, *reference, [this, options] { createJob(options); });
}

QString ExportCommand::needsHarbor(const ReportOptions &options)
{
    if (options.sort == ReportSort::Pushed)
        return u"--sort pushed needs a Harbor registry (--kind harbor)"_s;
    for (ReportColumn column : std::as_const(options.columns)) {
        if (isHarborColumn(column))
            return u"the column %1 needs a Harbor registry (--kind harbor)"_s.arg(
                    reportColumnName(column));
    }
    return {};
}

void ExportCommand::createJob(ReportOptions options)
{
    // The session is open: connected, credentials checked, Harbor's generation known.
    MetadataService *metadata = session()->metadata();
    if (!metadata->hasTagExtras()) {
        if (const QString problem = needsHarbor(options); !problem.isEmpty()) {
            writeErrLine(u"berth export: "_s + problem);
            return Q_EMIT finished(ExitUsage);
        }
    }
    options.destination = m_destination;
    m_job = new ReportJob(metadata, options, this);
    m_showProgress = stderrIsTerminal();
    connect(m_job, &ReportJob::progressChanged, this, &ExportCommand::onProgress);
    connect(m_job, &ReportJob::finished, this, &ExportCommand::onFinished);
    startJob();
}

void ExportCommand::startJob()
{
    if (m_destination.isEmpty()) {
        m_stdout = std::make_unique<QFile>();
        if (!m_stdout->open(stdout, QIODevice::WriteOnly, QFileDevice::DontCloseHandle)) {
            writeErrLine(u"berth export: cannot write to standard output"_s);
            return Q_EMIT finished(ExitError);
        }
        m_job->start(m_stdout.get());
    } else {
        m_job->start();
    }
}

void ExportCommand::onProgress(const ReportProgress &progress)
{
    if (!m_showProgress)
        return;
    QString line;
    if (progress.listing) {
        line = u"listing tags: %1"_s.arg(progress.listed);
    } else {
        line = u"%1/%2 tags"_s.arg(progress.done).arg(progress.total);
        if (progress.rate > 0)
            line += u", %1 tags/s"_s.arg(progress.rate, 0, 'f', 0);
        if (progress.etaSeconds >= 0 && progress.done < progress.total)
            line += u", %1 s left"_s.arg(progress.etaSeconds);
    }
    // \r and a cleared line: one status line that rewrites itself on a terminal.
    const QByteArray bytes = "\r\x1b[K" + line.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
    m_progressShown = true;
}

void ExportCommand::onFinished(const Error &error)
{
    if (m_stdout)
        m_stdout->flush();
    if (m_progressShown)
        writeErrLine(QString());
    if (error.isError()) {
        writeErrLine(u"berth export: "_s + error.toString());
        return Q_EMIT finished(ExitError);
    }
    if (m_job->failedTags() > 0 || m_job->failedDigestChecks() > 0) {
        if (m_job->failedTags() > 0) {
            writeErrLine(u"berth export: %1 tag(s) could not be read; their rows say why"_s.arg(
                    m_job->failedTags()));
        }
        if (m_job->failedDigestChecks() > 0) {
            writeErrLine(u"berth export: %1 tag(s) failed a digest check (data the registry sent "
                         "does not match its digest); their rows are kept, with a warning"_s.arg(
                                 m_job->failedDigestChecks()));
        }
        return Q_EMIT finished(ExitError);
    }
    if (!m_destination.isEmpty() && m_showProgress)
        writeErrLine(u"berth export: %1 rows written to %2"_s.arg(m_job->rowsWritten())
                             .arg(m_destination));
    Q_EMIT finished(ExitOk);
}

} // namespace Berth::Cli
