#include "ui/detailspane.h"

#include "net/backend/registrybackend.h"

#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QScrollBar>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace Berth {

static const QString DigestScheme = u"berth-digest"_s;

namespace {

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

QString sizeText(qint64 bytes)
{
    if (bytes < 0)
        return DetailsPane::tr("unknown");
    return QLocale().formattedDataSize(bytes) + u" ("_s + QLocale().toString(bytes) + u" B)"_s;
}

QString timeText(const QDateTime &time)
{
    if (!time.isValid())
        return DetailsPane::tr("unknown");
    return QLocale().toString(time.toLocalTime(), QLocale::LongFormat);
}

//! One section: a heading and a two-column table of name/value rows (values are HTML).
class Html
{
public:
    void heading(const QString &text) { m_out += u"<h4>"_s + esc(text) + u"</h4>"_s; }
    void beginTable() { m_out += u"<table cellspacing='0' cellpadding='2' width='100%'>"_s; }
    void endTable() { m_out += u"</table>"_s; }
    void row(const QString &name, const QString &valueHtml)
    {
        m_out += u"<tr><td valign='top' style='padding-right:10px; white-space:nowrap' width='26%'><b>"_s
                 + esc(name) + u"</b></td><td valign='top'>"_s + valueHtml + u"</td></tr>"_s;
    }
    void rowText(const QString &name, const QString &value) { row(name, esc(value)); }
    void mono(const QString &name, const QString &value)
    {
        row(name, u"<code>"_s + esc(value) + u"</code>"_s);
    }
    void paragraph(const QString &html) { m_out += u"<p>"_s + html + u"</p>"_s; }
    void raw(const QString &html) { m_out += html; }
    QString text() const { return m_out; }

private:
    QString m_out;
};

QString listHtml(const QStringList &items)
{
    QStringList escaped;
    for (const QString &item : items)
        escaped.append(u"<code>"_s + esc(item) + u"</code>"_s);
    return escaped.join(u"<br>"_s);
}

QString commandHtml(const QStringList &argv)
{
    return argv.isEmpty() ? DetailsPane::tr("none")
                          : u"<code>"_s + esc(argv.join(u' ')) + u"</code>"_s;
}

} // namespace

DetailsPane::DetailsPane(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_browser(new QTextBrowser(this))
{
    setObjectName(u"detailsPane"_s);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_title->setWordWrap(true);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_browser->setOpenLinks(false);
    m_browser->setOpenExternalLinks(false);
    m_browser->setFrameShape(QFrame::NoFrame);
    m_browser->setAccessibleName(tr("Tag details"));
    connect(m_browser, &QTextBrowser::anchorClicked, this, &DetailsPane::onAnchor);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_browser, 1);
    clear();
}

DetailsPane::~DetailsPane()
{
    cancelRequests();
}

void DetailsPane::setRepository(RegistryBackend *backend, const QString &registryName,
                                const QString &repository)
{
    cancelRequests();
    m_backend = backend;
    m_registryName = registryName;
    m_repository = repository;
    clear();
}

void DetailsPane::cancelRequests()
{
    ++m_generation;
    if (m_backend && m_owner != 0)
        m_backend->cancel(m_owner);
    m_owner = 0;
}

void DetailsPane::clear()
{
    cancelRequests();
    m_reference.clear();
    m_metadata.reset();
    m_manifest.reset();
    m_error = {};
    m_manifestError.clear();
    m_title->setText(tr("Details"));
    const QString dim = m_browser->palette().color(QPalette::PlaceholderText).name();
    m_browser->setHtml(u"<p style='color:"_s + dim + u"'>"_s
                       + esc(tr("Select a tag to see its platforms, layers and configuration."))
                       + u"</p>"_s);
    setState(State::Empty);
}

void DetailsPane::reload()
{
    if (!m_reference.isEmpty())
        showReference(m_reference);
}

void DetailsPane::showReference(const QString &reference)
{
    if (reference.isEmpty() || !m_backend) {
        clear();
        return;
    }
    cancelRequests();
    m_reference = reference;
    m_metadata.reset();
    m_manifest.reset();
    m_error = {};
    m_manifestError.clear();
    m_owner = newOwnerId();
    const quint64 generation = m_generation;
    setState(State::Loading);
    render();

    // A person is looking at exactly this: Interactive goes before the table's visible rows.
    const CallOptions options{Priority::Interactive, m_owner};
    m_backend->fetchMetadata(m_repository, reference, options, this,
                             [this, generation](const Result<ImageMetadata> &result) {
                                 if (generation != m_generation)
                                     return;
                                 if (result)
                                     m_metadata = result.value();
                                 else
                                     m_error = result.error();
                                 setState(result ? State::Loaded : State::Failed);
                                 render();
                             });
    m_backend->fetchManifest(m_repository, reference, options, this,
                             [this, generation](const Result<FetchedManifest> &result) {
                                 if (generation != m_generation)
                                     return;
                                 if (result)
                                     m_manifest = result.value();
                                 else
                                     m_manifestError = result.error().toString();
                                 render();
                             });
}

void DetailsPane::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

QString DetailsPane::plainText() const
{
    return m_title->text() + u'\n' + m_browser->toPlainText();
}

void DetailsPane::onAnchor(const QUrl &url)
{
    if (url.scheme() == DigestScheme)
        showReference(url.path());
}

void DetailsPane::render()
{
    const bool isDigest = m_reference.startsWith(u"sha256:"_s);
    const QString fullReference
            = m_registryName + u'/' + m_repository + (isDigest ? u"@"_s : u":"_s) + m_reference;
    m_title->setText(fullReference);

    Html html;
    if (m_state == State::Loading) {
        html.paragraph(u"<i>"_s + esc(tr("Loading %1 …").arg(m_reference)) + u"</i>"_s);
        m_browser->setHtml(html.text());
        return;
    }
    if (m_state == State::Failed) {
        html.paragraph(u"<b>"_s + esc(tr("Could not load the details.")) + u"</b><br>"_s
                       + esc(m_error.toString()));
        html.paragraph(esc(tr("Press F5 or choose Refresh to try again.")));
        m_browser->setHtml(html.text());
        return;
    }
    if (!m_metadata)
        return;
    const ImageMetadata &m = *m_metadata;
    html.beginTable();
    html.mono(tr("Reference"), fullReference);
    html.mono(tr("Digest"), m.digest);
    html.mono(tr("By digest"), m_registryName + u'/' + m_repository + u'@' + m.digest);
    html.rowText(tr("Kind"), artifactKindName(m.kind));
    html.mono(tr("Media type"), m.mediaType);
    if (!m.artifactType.isEmpty())
        html.mono(tr("Artifact type"), m.artifactType);
    html.rowText(tr("Size"), sizeText(m.size));
    html.rowText(tr("Created"), timeText(m.created));
    if (!m.configDigest.isEmpty())
        html.mono(tr("Config"), m.configDigest);
    html.endTable();

    const auto platformTable = [&html](const QList<PlatformImage> &images) {
        html.raw(u"<table cellspacing='0' cellpadding='2' width='100%'>"_s);
        for (const PlatformImage &p : images) {
            QString value = u"<a href='"_s + DigestScheme + u':' + esc(p.digest) + u"'><code>"_s
                            + esc(p.digest) + u"</code></a><br>"_s + esc(sizeText(p.size));
            if (p.created.isValid())
                value += u" · "_s + esc(timeText(p.created));
            if (!p.error.isEmpty())
                value += u"<br><i>"_s + esc(p.error) + u"</i>"_s;
            html.row(p.platform.toString(), value);
        }
        html.raw(u"</table>"_s);
    };

    if (m.kind == ArtifactKind::Index || m.platforms.size() > 1) {
        html.heading(tr("Platforms (%n)", nullptr, int(m.platforms.size())));
        platformTable(m.platforms);
        if (!m.attestations.isEmpty()) {
            html.heading(tr("Attestations (%n)", nullptr, int(m.attestations.size())));
            platformTable(m.attestations);
        }
    } else if (!m.platforms.isEmpty()) {
        html.heading(tr("Platform"));
        html.beginTable();
        html.rowText(tr("Platform"), m.platforms.constFirst().platform.toString());
        html.endTable();
    }

    if (!m.layers.isEmpty()) {
        html.heading(tr("Layers (%n)", nullptr, int(m.layers.size())));
        html.raw(u"<table cellspacing='0' cellpadding='2' width='100%'>"_s);
        int number = 1;
        for (const Descriptor &layer : m.layers) {
            html.row(QString::number(number++), u"<code>"_s + esc(layer.digest) + u"</code><br>"_s
                                                        + esc(sizeText(layer.size)) + u" · "_s
                                                        + esc(layer.mediaType));
        }
        html.raw(u"</table>"_s);
    }

    const ImageConfig &c = m.config;
    const bool hasConfig = !c.entrypoint.isEmpty() || !c.cmd.isEmpty() || !c.env.isEmpty()
                           || !c.exposedPorts.isEmpty() || !c.labels.isEmpty()
                           || !c.workingDir.isEmpty() || !c.user.isEmpty() || !c.history.isEmpty();
    if (hasConfig) {
        html.heading(tr("Configuration"));
        html.beginTable();
        html.row(tr("Entrypoint"), commandHtml(c.entrypoint));
        html.row(tr("Command"), commandHtml(c.cmd));
        if (!c.workingDir.isEmpty())
            html.mono(tr("Working dir"), c.workingDir);
        if (!c.user.isEmpty())
            html.mono(tr("User"), c.user);
        if (!c.exposedPorts.isEmpty())
            html.row(tr("Exposed ports"), listHtml(c.exposedPorts));
        if (!c.volumes.isEmpty())
            html.row(tr("Volumes"), listHtml(c.volumes));
        if (!c.env.isEmpty())
            html.row(tr("Environment"), listHtml(c.env));
        if (!c.author.isEmpty())
            html.rowText(tr("Author"), c.author);
        html.endTable();
        if (!c.labels.isEmpty()) {
            html.heading(tr("Labels (%n)", nullptr, int(c.labels.size())));
            html.beginTable();
            for (auto it = c.labels.cbegin(); it != c.labels.cend(); ++it)
                html.mono(it.key(), it.value());
            html.endTable();
        }
        if (!c.history.isEmpty()) {
            html.heading(tr("History (%n)", nullptr, int(c.history.size())));
            html.raw(u"<table cellspacing='0' cellpadding='2' width='100%'>"_s);
            for (const HistoryEntry &h : c.history) {
                QString value = u"<code>"_s + esc(h.createdBy) + u"</code>"_s;
                if (!h.comment.isEmpty())
                    value += u"<br>"_s + esc(h.comment);
                html.row(h.created.isValid()
                                 ? QLocale().toString(h.created.toLocalTime(), QLocale::ShortFormat)
                                 : QString(),
                         value);
            }
            html.raw(u"</table>"_s);
        }
    }

    if (!m.annotations.isEmpty()) {
        html.heading(tr("Annotations (%n)", nullptr, int(m.annotations.size())));
        html.beginTable();
        for (auto it = m.annotations.cbegin(); it != m.annotations.cend(); ++it)
            html.mono(it.key(), it.value());
        html.endTable();
    }
    if (!m.warnings.isEmpty()) {
        html.heading(tr("Warnings"));
        html.paragraph(esc(m.warnings.join(u'\n')).replace(u'\n', u"<br>"_s));
    }

    html.heading(tr("Manifest"));
    if (m_manifest) {
        const QJsonDocument doc = QJsonDocument::fromJson(m_manifest->bytes);
        const QString text = doc.isNull() ? QString::fromUtf8(m_manifest->bytes)
                                          : QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
        html.raw(u"<pre style='white-space: pre-wrap'>"_s + esc(text) + u"</pre>"_s);
    } else if (!m_manifestError.isEmpty()) {
        html.paragraph(u"<i>"_s + esc(m_manifestError) + u"</i>"_s);
    } else {
        html.paragraph(u"<i>"_s + esc(tr("Loading …")) + u"</i>"_s);
    }

    // Keep the reader's place when the manifest arrives after the metadata.
    const int scroll = m_browser->verticalScrollBar() ? m_browser->verticalScrollBar()->value() : 0;
    m_browser->setHtml(html.text());
    if (m_browser->verticalScrollBar())
        m_browser->verticalScrollBar()->setValue(scroll);
}

} // namespace Berth
