#pragma once

#include "net/core/error.h"

#include <QByteArray>
#include <QFile>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace Berth {

//! One removal as the journal records it, written before the removal happens: enough to put
//! the tag back on the same manifest later (the manifest's exact bytes, so its digest is the
//! same).
struct JournalEntry
{
    QString repository;
    QString tag; //!< empty for an untagged image (deleted by digest)
    QString digest;
    QString mediaType;
    QByteArray manifest;
    QString action; //!< "untag" or "delete"

    //! What the manifest is stored under again: the tag, or the digest of an untagged image.
    QString reference() const { return tag.isEmpty() ? digest : tag; }
    //! How messages name it: the tag, or untaggedImageName(digest).
    QString name() const;
};

//! How messages name an image no tag points at: "untagged 1234abcd5678" (its short digest).
QString untaggedImageName(const QString &digest);

//! What a journal file holds: which registry, and the removals in the order they were started.
struct Journal
{
    QString registry;   //!< "127.0.0.1:5000"
    QString repository; //!< the one cleaned up
    QString started;    //!< ISO time
    QList<JournalEntry> entries;
};

//! The clean-up journal, JSON Lines: a header line {"berth_journal": 1, "registry",
//! "repository", "started", "rules"}, then one line per removal {"repository", "tag", "digest",
//! "media_type", "manifest" (base64), "action"}. Each line is flushed to the disk (fsync) before
//! the change it describes is made, so a crash or a failed run always leaves a journal that
//! undoes what was done.
class JournalWriter
{
public:
    //! The default place: $XDG_DATA_HOME/berth/journals/<registry>_<repository>-<UTC
    //! time>.jsonl (~/.local/share/berth/journals).
    static QString defaultPath(const QString &registry, const QString &repository);

    //! Creates path (and its folder); fails if it exists already.
    Error open(const QString &path, const QString &registry, const QString &repository,
               const QJsonObject &rules);
    Error append(const JournalEntry &entry);
    QString path() const { return m_file.fileName(); }

private:
    Error writeLine(const QJsonObject &line);

    QFile m_file;
};

//! Reads a journal; an unreadable or foreign file is an error that says what is wrong with it.
Result<Journal> readJournal(const QString &path);

} // namespace Berth
