#include "app/cli/cleanupcommand.h"

#include "app/cli/commandarguments.h"
#include "app/cli/output.h"
#include "app/cli/registryoptions.h"
#include "models/cleanup/cleanupjournal.h"
#include "models/cleanup/cleanuprun.h"
#include "models/cleanup/inventoryjob.h"
#include "models/metadata/metadataservice.h"
#include "models/session/registrysession.h"
#include "net/core/digest.h"
#include "net/core/servertext.h"

#include <QJsonDocument>
#include <QLocale>

using namespace Qt::StringLiterals;

namespace Berth::Cli {

QString CleanupCommand::name() const
{
    return u"cleanup"_s;
}

QString CleanupCommand::summary() const
{
    return tr("Plan a clean-up of a repository by retention rules; with --yes run it.");
}

void CleanupCommand::run(const QStringList &arguments)
{
    CommandArguments args(
            name(),
            summary()
                    + tr("\n\nRules keep tags; a tag no rule keeps is removed: untagged when other "
                         "tags keep its image, or with its image (deleted by digest) when all its "
                         "tags go. Without --yes nothing changes: the plan is printed (every tag, "
                         "its action and why) and berth exits 0. With --yes the plan runs; each "
                         "change is journalled first (the path is printed on standard error) "
                         "for `berth undo`.\nExit codes: 0 success, 1 error or an action that "
                         "failed, 2 usage error."));
    args.parser().addPositionalArgument(u"repository"_s,
                                        tr("host[:port]/path, e.g. 127.0.0.1:5000/team-a/api"));
    const QCommandLineOption keepLast(u"keep-last"_s, tr("Keep the newest N tags."), u"N"_s);
    const QCommandLineOption by(u"by"_s,
                                tr("What newest and older mean: created (the image's creation "
                                   "time, default) or pushed (Harbor's push time)."),
                                u"time"_s);
    const QCommandLineOption keep(
            u"keep"_s, tr("Keep tags matching REGEX (the whole tag; repeatable)."), u"REGEX"_s);
    const QCommandLineOption only(
            u"only"_s, tr("Consider only tags matching REGEX (the whole tag); keep the rest."),
            u"REGEX"_s);
    const QCommandLineOption olderThan(
            u"older-than"_s, tr("Keep tags newer than DURATION: a number and s, m, h, d or w."),
            u"DURATION"_s);
    const QCommandLineOption untagged(
            u"untagged"_s,
            tr("Also delete the images no tag points at (Harbor 2.x), except those pushed "
               "within --older-than (default 1h): they may be part of a push going on."));
    const QCommandLineOption format(u"format"_s, tr("table (default), json or csv."), u"format"_s);
    const QCommandLineOption yes({u"y"_s, u"yes"_s}, tr("Run the plan."));
    const QCommandLineOption journal(u"journal"_s,
                                     tr("Write the journal to FILE (default: under the user's "
                                        "data folder, journals/)."),
                                     u"FILE"_s);
    args.parser().addOptions({keepLast, by, keep, only, olderThan, untagged, format, yes, journal});
    args.offerCache();
    if (const auto exit = args.parse(arguments, 1, u"one REPOSITORY"_s))
        return Q_EMIT finished(*exit);
    const auto parsed = ImageReference::parse(args.positionalArguments().constFirst());
    if (!parsed)
        return Q_EMIT finished(args.usageError(parsed.error().message));
    if (parsed->hasTag() || parsed->hasDigest())
        return Q_EMIT finished(args.usageError(u"give a repository without a tag or digest"_s));
    m_reference = *parsed;
    if (args.isSet(keepLast)) {
        bool ok = false;
        m_rules.keepLast = args.value(keepLast).toInt(&ok);
        if (!ok || m_rules.keepLast < 0) {
            return Q_EMIT finished(
                    args.usageError(u"--keep-last needs a whole number of tags, not \"%1\""_s.arg(
                            args.value(keepLast))));
        }
    }
    const QString byValue = args.isSet(by) ? args.value(by) : u"created"_s;
    if (byValue != u"created" && byValue != u"pushed")
        return Q_EMIT finished(
                args.usageError(u"unknown --by \"%1\" (created, pushed)"_s.arg(byValue)));
    m_rules.by = byValue == u"pushed" ? RetentionRules::Age::Pushed : RetentionRules::Age::Created;
    for (const QString &pattern : args.parser().values(keep)) {
        QString error;
        const auto expression = RetentionRules::tagPattern(pattern, &error);
        if (!expression)
            return Q_EMIT finished(args.usageError(u"--keep: "_s + error));
        m_rules.keep.append(*expression);
    }
    if (args.isSet(only)) {
        QString error;
        m_rules.only = RetentionRules::tagPattern(args.value(only), &error);
        if (!m_rules.only)
            return Q_EMIT finished(args.usageError(u"--only: "_s + error));
    }
    if (args.isSet(olderThan)) {
        const auto seconds = RetentionRules::parseDuration(args.value(olderThan));
        if (!seconds) {
            return Q_EMIT finished(args.usageError(
                    u"--older-than needs a number and a unit (s m h d w), e.g. 90d, not \"%1\""_s
                            .arg(args.value(olderThan))));
        }
        m_rules.olderThanSeconds = *seconds;
    }
    m_rules.untagged = args.isSet(untagged);
    m_format = args.isSet(format) ? args.value(format) : u"table"_s;
    if (m_format != u"table" && m_format != u"json" && m_format != u"csv")
        return Q_EMIT finished(
                args.usageError(u"unknown format \"%1\" (table, json, csv)"_s.arg(m_format)));
    m_yes = args.isSet(yes);
    m_journalPath = args.value(journal);
    const RegistryOptions &options = args.registryOptions();
    if (m_rules.by == RetentionRules::Age::Pushed && options.kind() == u"registry")
        return Q_EMIT finished(args.usageError(
                u"--by pushed needs Harbor: a plain registry keeps no push times"_s));
    if (m_rules.untagged && options.kind() == u"registry")
        return Q_EMIT finished(args.usageError(
                u"--untagged needs Harbor 2.x: a plain registry cannot list untagged images"_s));
    openSession(options, m_reference, [this] {
        if (m_rules.by == RetentionRules::Age::Pushed && !session()->metadata()->hasTagExtras()) {
            writeErrLine(u"berth cleanup: --by pushed needs Harbor: %1 is a plain registry, "
                         "which keeps no push times"_s.arg(m_reference.registry()));
            return Q_EMIT finished(ExitUsage);
        }
        if (m_rules.untagged && !session()->metadata()->listsUntaggedImages()) {
            writeErrLine(u"berth cleanup: --untagged needs Harbor 2.x: %1 cannot list untagged "
                         "images"_s.arg(m_reference.registry()));
            return Q_EMIT finished(ExitUsage);
        }
        takeStock();
    });
}

void CleanupCommand::takeStock()
{
    InventoryJob::Parts parts = InventoryJob::Tags;
    parts.setFlag(InventoryJob::PushTimes, m_rules.by == RetentionRules::Age::Pushed);
    parts.setFlag(InventoryJob::UntaggedImages, m_rules.untagged);
    auto *inventory
            = new InventoryJob(session()->metadata(), m_reference.repository(), parts, this);
    if (stderrIsTerminal()) {
        // A line that rewrites itself, every 100 tags.
        connect(inventory, &InventoryJob::progressed, this, [inventory] {
            const qint64 loaded = inventory->loadedCount();
            if (loaded % 100 != 0 && loaded != inventory->snapshot().tags.size())
                return;
            writeErr(u"\rberth cleanup: reading tags %1 / %2"_s.arg(loaded)
                             .arg(inventory->snapshot().tags.size())
                             .toUtf8());
        });
    }
    inventory->onFinished(this, [this](const Result<Inventory> &taken) {
        if (stderrIsTerminal())
            writeErr("\r\033[K");
        if (!taken)
            return fail(taken.error().toString());
        const CleanupPlan plan = planCleanup(*taken, m_rules, QDateTime::currentDateTimeUtc());
        printPlan(plan);
        if (!m_yes) {
            writeErrLine(u"berth cleanup: nothing was changed: add --yes to run this plan."_s);
            return Q_EMIT finished(ExitOk);
        }
        runPlan(plan);
    });
}

void CleanupCommand::printPlan(const CleanupPlan &plan)
{
    if (m_format == u"json")
        return writeOut(QJsonDocument(plan.toJson()).toJson(QJsonDocument::Indented));
    if (m_format == u"csv")
        return writeOut(plan.toCsv());
    const bool pushed = m_rules.by == RetentionRules::Age::Pushed;
    int width = plan.untagged.isEmpty() ? 3 : 10;
    for (const PlannedTag &tag : plan.tags)
        width = std::max(width, int(ServerText::visible(tag.tag).size())); // as printed
    QString out = u"%1  %2  %3  %4  %5\n"_s.arg(
            u"TAG"_s.leftJustified(width), u"ACTION"_s.leftJustified(6),
            u"DIGEST"_s.leftJustified(12), (pushed ? u"PUSHED"_s : u"CREATED"_s).leftJustified(20),
            u"REASON"_s);
    // One row per tag, then per untagged image; the reason (an error may quote the server) is
    // made visible, like the tag.
    const auto row = [&out, &width](const QString &name, CleanupAction action,
                                    const QString &digest, const QDateTime &time,
                                    const QString &reason) {
        out += u"%1  %2  %3  %4  %5\n"_s.arg(
                name.leftJustified(width), CleanupPlan::actionName(action).leftJustified(6),
                Digest::shortForm(digest).leftJustified(12),
                (time.isValid() ? time.toUTC().toString(Qt::ISODate) : u"-"_s).leftJustified(20),
                ServerText::visible(reason));
    };
    for (const PlannedTag &tag : plan.tags) {
        row(ServerText::visible(tag.tag), tag.action, tag.digest, pushed ? tag.pushed : tag.created,
            tag.reason);
    }
    for (const PlannedImage &image : plan.untagged) {
        row(u"<untagged>"_s, image.action, image.digest, pushed ? image.pushed : image.created,
            image.reason);
    }
    const CleanupSummary &s = plan.summary;
    out += u"\n%1 tags: keep %2, untag %3, delete %4 (%5 images deleted); garbage collection "
           "can reclaim at most %6 (layers no kept image here uses%7)\n"_s.arg(plan.tags.size())
                   .arg(s.keep)
                   .arg(s.untag)
                   .arg(s.remove)
                   .arg(s.imagesDeleted - s.untaggedDeleted)
                   .arg(QLocale::c().formattedDataSize(s.bytesReclaimable))
                   .arg(s.bytesIncludeIndexes ? u"; indexes counted by their platforms' sizes"_s
                                              : QString());
    if (plan.rules.untagged) {
        out += u"%1 untagged images: delete %2, keep %3\n"_s.arg(plan.untagged.size())
                       .arg(s.untaggedDeleted)
                       .arg(s.untaggedKept);
    }
    writeOut(out.toUtf8());
}

void CleanupCommand::runPlan(const CleanupPlan &plan)
{
    if (plan.removedTags().isEmpty() && plan.deletedUntagged().isEmpty()) {
        writeErrLine(u"berth cleanup: the plan removes nothing."_s);
        return Q_EMIT finished(ExitOk);
    }
    const QString path = m_journalPath.isEmpty() ? JournalWriter::defaultPath(
                                 session()->registryName(), m_reference.repository())
                                                 : m_journalPath;
    auto *run = new CleanupRun(session()->metadata(), session()->operations(), plan,
                               session()->registryName(), path, this);
    writeErrLine(u"berth cleanup: journal %1"_s.arg(path));
    if (stderrIsTerminal()) {
        connect(run, &CleanupRun::progressed, this, [run] {
            writeErr(u"\rberth cleanup: removing %1 / %2"_s.arg(run->removalsDone())
                             .arg(run->removalCount())
                             .toUtf8());
        });
    }
    run->onFinished(this, [this](const Result<CleanupOutcome> &outcome) {
        if (stderrIsTerminal())
            writeErr("\r\033[K");
        if (!outcome)
            return fail(outcome.error().message);
        for (const QString &line : outcome->skipped)
            writeErrLine(u"berth cleanup: skipped %1"_s.arg(line));
        for (const QString &line : outcome->failed)
            writeErrLine(u"berth cleanup: failed %1"_s.arg(line));
        for (const QString &line : outcome->mismatches)
            writeErrLine(u"berth cleanup: afterwards: %1"_s.arg(line));
        const QString untaggedText
                = outcome->removedUntagged.isEmpty()
                          ? QString()
                          : u" and %1 untagged image(s)"_s.arg(outcome->removedUntagged.size());
        writeErrLine(u"berth cleanup: removed %1 tag(s)%2; undo with: berth undo %3"_s
                             .arg(outcome->removed.size())
                             .arg(untaggedText, outcome->journalPath));
        Q_EMIT finished(outcome->ok() ? ExitOk : ExitError);
    });
}

void CleanupCommand::fail(const QString &message)
{
    writeErrLine(u"berth cleanup: %1: %2"_s.arg(m_reference.repositoryName(), message));
    Q_EMIT finished(ExitError);
}

} // namespace Berth::Cli
