#pragma once

#include "app/cli/command.h"

#include "net/core/error.h"

#include <QElapsedTimer>
#include <QPointer>

#include <memory>

class QFile;

namespace Berth {
class ReportJob;
struct ReportOptions;
struct ReportProgress;
} // namespace Berth

namespace Berth::Cli {

//! `berth export REPOSITORY [--format csv|json|markdown|html] [-o FILE] [--filter REGEX]
//! [--sort tag|created|size|pushed] [--order asc|desc] [--columns LIST] [--per-platform]`: a tag report through the same engine as
//! the GUI's "Export report…" (ReportJob). stdout without -o; a file is only created complete.
class ExportCommand final : public Command
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExportCommand)
public:
    explicit ExportCommand(QObject *parent = nullptr);
    ~ExportCommand() override;

    QString name() const override;
    QString summary() const override;
    void run(const QStringList &arguments) override;

private:
    //! After the session opened (Command::openSession()).
    void createJob(ReportOptions options);
    //! Why options need a Harbor registry (pushed sort, Harbor columns); empty when they don't.
    static QString needsHarbor(const ReportOptions &options);
    void startJob();
    void onProgress(const ReportProgress &progress);
    void onFinished(const Error &error);

    ReportJob *m_job = nullptr;
    std::unique_ptr<QFile> m_stdout;
    QString m_destination;
    bool m_showProgress = false;
    bool m_progressShown = false;
};

} // namespace Berth::Cli
