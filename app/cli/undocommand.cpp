#include "app/cli/undocommand.h"

#include "app/cli/commandarguments.h"
#include "app/cli/output.h"
#include "app/cli/registryoptions.h"
#include "models/cleanup/undojob.h"
#include "models/session/registrysession.h"
#include "net/core/imagereference.h"

using namespace Qt::StringLiterals;

namespace Berth::Cli {

QString UndoCommand::name() const
{
    return u"undo"_s;
}

QString UndoCommand::summary() const
{
    return tr("Put back the tags a clean-up removed, from its journal (needs --yes).");
}

void UndoCommand::run(const QStringList &arguments)
{
    CommandArguments args(
            name(), summary()
                            + tr("\n\nWithout --yes nothing changes: berth says what it would "
                                 "restore and what it cannot (an image whose blobs garbage "
                                 "collection took). Restored references are printed on standard "
                                 "output.\nExit codes: 0 every tag back on its digest, 1 error or "
                                 "a tag that could not be restored, 2 usage error."));
    args.parser().addPositionalArgument(u"journal"_s,
                                        tr("the journal file `berth cleanup --yes` printed"));
    const QCommandLineOption yes({u"y"_s, u"yes"_s}, tr("Really restore."));
    args.parser().addOption(yes);
    if (const auto exit = args.parse(arguments, 1, u"one JOURNAL"_s))
        return Q_EMIT finished(*exit);
    m_path = args.positionalArguments().constFirst();
    const Result<Journal> journal = readJournal(m_path);
    if (!journal) {
        writeErrLine(u"berth undo: %1"_s.arg(journal.error().message));
        return Q_EMIT finished(ExitError);
    }
    m_journal = *journal;
    m_yes = args.isSet(yes);
    const auto reference = ImageReference::parse(m_journal.registry + u'/' + m_journal.repository);
    if (!reference) {
        writeErrLine(u"berth undo: %1: the journal names no registry Berth can reach: %2"_s.arg(
                m_path, reference.error().message));
        return Q_EMIT finished(ExitError);
    }
    if (m_journal.entries.isEmpty()) {
        writeErrLine(u"berth undo: %1: the journal records no removal: nothing to restore"_s.arg(
                m_path));
        return Q_EMIT finished(ExitOk);
    }
    const RegistryOptions &options = args.registryOptions();
    openSession(options, *reference, [this] { restore(); });
}

void UndoCommand::restore()
{
    auto *job = new UndoJob(session()->backend(), m_journal, !m_yes, this);
    job->onFinished(this, [this](const Result<UndoOutcome> &outcome) {
        if (!outcome) {
            writeErrLine(u"berth undo: %1"_s.arg(outcome.error().toString()));
            return Q_EMIT finished(ExitError);
        }
        const QString repository = m_journal.registry + u'/' + m_journal.repository;
        for (const QString &line : outcome->alreadyThere)
            writeErrLine(u"berth undo: %1:%2 is on its digest already"_s.arg(repository, line));
        for (const QString &line : outcome->unrestorable)
            writeErrLine(u"berth undo: cannot restore %1"_s.arg(line));
        for (const QString &line : outcome->failed)
            writeErrLine(u"berth undo: failed %1"_s.arg(line));
        if (!m_yes) {
            for (const QString &line : outcome->restored)
                writeErrLine(u"berth undo: would restore %1:%2"_s.arg(repository, line));
            writeErrLine(u"berth undo: nothing was changed: add --yes to restore."_s);
            return Q_EMIT finished(outcome->ok() ? ExitOk : ExitError);
        }
        for (const QString &line : outcome->restored)
            writeOutLine(repository + u':' + line.section(u" -> "_s, 0, 0));
        Q_EMIT finished(outcome->ok() ? ExitOk : ExitError);
    });
}

} // namespace Berth::Cli
