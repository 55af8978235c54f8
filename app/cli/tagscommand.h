#pragma once

#include "app/cli/command.h"

#include "net/backend/registrybackend.h"

#include <QPointer>

namespace Berth {
class ImageReference;
} // namespace Berth

namespace Berth::Cli {

//! `berth tags REPOSITORY [--json] [--sort name|pushed] [--filter TEXT]`: tag names, printed
//! page by page as they arrive.
class TagsCommand final : public Command
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TagsCommand)
public:
    using Command::Command;

    QString name() const override;
    QString summary() const override;
    void run(const QStringList &arguments) override;

private:
    void list(const ImageReference &reference);
    void onPage(const QStringList &names);
    void finish(int exitCode);

    QPointer<Pager> m_pager;
    bool m_json = false;
    TagQuery m_query;
    //! The filter applied here when the backend cannot filter (empty: none or on the server).
    QString m_clientFilter;
    qint64 m_printed = 0;
    QStringList m_invalidNames; //!< listed by the server, not fitting the OCI grammar
};

} // namespace Berth::Cli
