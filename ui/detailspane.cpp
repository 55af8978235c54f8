#include "ui/detailspane.h"

#include "models/metadata/metadataservice.h"
#include "models/tags/tagoperations.h"
#include "net/core/digest.h"

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

QString loadingHtml(const QString &reference)
{
    Html html;
    html.paragraph(u"<i>"_s + esc(DetailsPane::tr("Loading %1 …").arg(reference)) + u"</i>"_s);
    return html.text();
}

QString failedHtml(const Error &error)
{
    Html html;
    html.paragraph(u"<b>"_s + esc(DetailsPane::tr("Could not load the details.")) + u"</b><br>"_s
                   + esc(error.toString()));
    html.paragraph(esc(DetailsPane::tr("Press F5 or choose Refresh to try again.")));
    return html.text();
}

//! What the image is: reference, digests, kind, media type, size, created, config.
void addSummary(Html &html, const ImageMetadata &m, const QString &fullReference,
                const QString &byDigest)
{
    html.beginTable();
    html.mono(DetailsPane::tr("Reference"), fullReference);
    html.mono(DetailsPane::tr("Digest"), m.digest);
    html.mono(DetailsPane::tr("By digest"), byDigest);
    html.rowText(DetailsPane::tr("Kind"), artifactKindName(m.kind));
    html.mono(DetailsPane::tr("Media type"), m.mediaType);
    if (!m.artifactType.isEmpty())
        html.mono(DetailsPane::tr("Artifact type"), m.artifactType);
    html.rowText(DetailsPane::tr("Size"), sizeText(m.size));
    html.rowText(DetailsPane::tr("Created"), timeText(m.created));
    if (!m.configDigest.isEmpty())
        html.mono(DetailsPane::tr("Config"), m.configDigest);
    html.endTable();
}

//! One row per image: its digest as a link that opens it, size, created and any error.
void addPlatformTable(Html &html, const QList<PlatformImage> &images)
{
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
}

//! An index lists its child images (attestations apart); a single image names its platform.
void addPlatforms(Html &html, const ImageMetadata &m)
{
    if (m.kind == ArtifactKind::Index || m.platforms.size() > 1) {
        html.heading(DetailsPane::tr("Platforms (%n)", nullptr, int(m.platforms.size())));
        addPlatformTable(html, m.platforms);
        if (!m.attestations.isEmpty()) {
            html.heading(DetailsPane::tr("Attestations (%n)", nullptr, int(m.attestations.size())));
            addPlatformTable(html, m.attestations);
        }
    } else if (!m.platforms.isEmpty()) {
        html.heading(DetailsPane::tr("Platform"));
        html.beginTable();
        html.rowText(DetailsPane::tr("Platform"), m.platforms.constFirst().platform.toString());
        html.endTable();
    }
}

void addLayers(Html &html, const QList<Descriptor> &layers)
{
    if (layers.isEmpty())
        return;
    html.heading(DetailsPane::tr("Layers (%n)", nullptr, int(layers.size())));
    html.raw(u"<table cellspacing='0' cellpadding='2' width='100%'>"_s);
    int number = 1;
    for (const Descriptor &layer : layers) {
        html.row(QString::number(number++), u"<code>"_s + esc(layer.digest) + u"</code><br>"_s
                                                    + esc(sizeText(layer.size)) + u" · "_s
                                                    + esc(layer.mediaType));
    }
    html.raw(u"</table>"_s);
}

//! A heading and one monospaced row per entry (labels, annotations); nothing when empty.
void addKeyValues(Html &html, const QString &heading, const QMap<QString, QString> &values)
{
    if (values.isEmpty())
        return;
    html.heading(heading);
    html.beginTable();
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        html.mono(it.key(), it.value());
    html.endTable();
}

void addHistory(Html &html, const QList<HistoryEntry> &history)
{
    if (history.isEmpty())
        return;
    html.heading(DetailsPane::tr("History (%n)", nullptr, int(history.size())));
    html.raw(u"<table cellspacing='0' cellpadding='2' width='100%'>"_s);
    for (const HistoryEntry &h : history) {
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

//! The image's run configuration, its labels and history; nothing when the config is empty.
void addConfiguration(Html &html, const ImageConfig &c)
{
    const bool hasConfig = !c.entrypoint.isEmpty() || !c.cmd.isEmpty() || !c.env.isEmpty()
                           || !c.exposedPorts.isEmpty() || !c.labels.isEmpty()
                           || !c.workingDir.isEmpty() || !c.user.isEmpty() || !c.history.isEmpty();
    if (!hasConfig)
        return;
    html.heading(DetailsPane::tr("Configuration"));
    html.beginTable();
    html.row(DetailsPane::tr("Entrypoint"), commandHtml(c.entrypoint));
    html.row(DetailsPane::tr("Command"), commandHtml(c.cmd));
    if (!c.workingDir.isEmpty())
        html.mono(DetailsPane::tr("Working dir"), c.workingDir);
    if (!c.user.isEmpty())
        html.mono(DetailsPane::tr("User"), c.user);
    if (!c.exposedPorts.isEmpty())
        html.row(DetailsPane::tr("Exposed ports"), listHtml(c.exposedPorts));
    if (!c.volumes.isEmpty())
        html.row(DetailsPane::tr("Volumes"), listHtml(c.volumes));
    if (!c.env.isEmpty())
        html.row(DetailsPane::tr("Environment"), listHtml(c.env));
    if (!c.author.isEmpty())
        html.rowText(DetailsPane::tr("Author"), c.author);
    html.endTable();
    addKeyValues(html, DetailsPane::tr("Labels (%n)", nullptr, int(c.labels.size())), c.labels);
    addHistory(html, c.history);
}

void addWarnings(Html &html, const QStringList &warnings)
{
    if (warnings.isEmpty())
        return;
    html.heading(DetailsPane::tr("Warnings"));
    html.paragraph(esc(warnings.join(u'\n')).replace(u'\n', u"<br>"_s));
}

//! The raw manifest, indented when it is JSON; it loads apart from the metadata.
void addManifest(Html &html, const std::optional<FetchedManifest> &manifest, const QString &error)
{
    html.heading(DetailsPane::tr("Manifest"));
    if (manifest) {
        const QJsonDocument doc = QJsonDocument::fromJson(manifest->bytes);
        const QString text = doc.isNull() ? QString::fromUtf8(manifest->bytes)
                                          : QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
        html.raw(u"<pre style='white-space: pre-wrap'>"_s + esc(text) + u"</pre>"_s);
    } else if (!error.isEmpty()) {
        html.paragraph(u"<i>"_s + esc(error) + u"</i>"_s);
    } else {
        html.paragraph(u"<i>"_s + esc(DetailsPane::tr("Loading …")) + u"</i>"_s);
    }
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
    // A long reference wraps or is cut; it never widens the pane against the table.
    m_title->setMinimumWidth(1);
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

void DetailsPane::setRepository(MetadataService *service, const QString &registryName,
                                const QString &repository)
{
    cancelRequests();
    m_service = service;
    m_registryName = registryName;
    m_repository = repository;
    clear();
}

void DetailsPane::setTagOperations(TagOperations *operations)
{
    m_operations = operations;
}

void DetailsPane::cancelRequests()
{
    for (const QPointer<Job> &job : {m_metadataJob, m_manifestJob, m_imageTagsJob}) {
        if (job)
            job->cancel();
    }
    m_metadataJob = nullptr;
    m_manifestJob = nullptr;
    m_imageTagsJob = nullptr;
    m_imageDigest.clear();
    m_loadedTags.clear();
    m_imageTags.clear();
    m_imageTagsError.clear();
    setImageTagsState(ImageTagsState::None);
}

void DetailsPane::setImageTagsState(ImageTagsState state)
{
    if (m_imageTagsState == state)
        return;
    m_imageTagsState = state;
    Q_EMIT imageTagsStateChanged(state);
}

void DetailsPane::showImage(const QString &digest, const QStringList &loadedTags)
{
    showReference(digest); // cancels what was in flight, the last image's lookup too
    if (digest.isEmpty() || !m_service)
        return;
    m_imageDigest = digest;
    m_loadedTags = loadedTags;
    if (m_offline || !m_operations) {
        m_imageTagsError = m_offline ? tr("the registry cannot be reached: only the loaded tags "
                                          "are known")
                                     : tr("not connected");
        setImageTagsState(ImageTagsState::Failed);
        render();
        return;
    }
    setImageTagsState(ImageTagsState::LookingUp);
    render();
    // What the registry says now, as Delete Image asks it: the listing, then each tag's digest
    // (a HEAD each on a plain registry). Only for the one image a person selected.
    auto *job = m_operations->tagsOfDigest(m_repository, digest);
    m_imageTagsJob = job;
    job->onFinished(this, [this, job](const Result<QStringList> &tags) {
        if (job != m_imageTagsJob)
            return; // cancelled: another row is shown now
        m_imageTagsJob = nullptr;
        if (tags) {
            m_imageTags = *tags;
            setImageTagsState(ImageTagsState::Loaded);
        } else {
            m_imageTagsError = tags.error().toString();
            setImageTagsState(ImageTagsState::Failed);
        }
        render();
    });
}

QString DetailsPane::imageTagsHtml() const
{
    if (m_imageDigest.isEmpty())
        return {};
    Html html;
    switch (m_imageTagsState) {
    case ImageTagsState::LookingUp:
        html.heading(tr("Tags of this image"));
        html.paragraph(u"<i>"_s + esc(tr("Looking up every tag of this image on the registry …"))
                       + u"</i>"_s);
        if (!m_loadedTags.isEmpty()) {
            // Italics, not a colour: the HTML is not rendered again when the palette changes.
            html.paragraph(u"<i>"_s + esc(tr("Loaded so far: %1").arg(m_loadedTags.join(u", "_s)))
                           + u"</i>"_s);
        }
        break;
    case ImageTagsState::Loaded:
        html.heading(tr("Tags of this image (%n)", nullptr, int(m_imageTags.size())));
        if (m_imageTags.isEmpty()) {
            html.paragraph(esc(tr("The registry says no tag points at it now.")));
        } else {
            QStringList items;
            for (const QString &tag : m_imageTags) {
                // Tags the table has not loaded yet are marked: they exist on the server only
                // as far as this window knows.
                items.append(
                        u"<code>"_s + esc(tag) + u"</code>"_s
                        + (m_loadedTags.contains(tag)
                                   ? QString()
                                   : u" <i>"_s + esc(tr("(not loaded in the table)")) + u"</i>"_s));
            }
            html.paragraph(items.join(u"<br>"_s));
        }
        break;
    case ImageTagsState::Failed:
        html.heading(tr("Tags of this image"));
        html.paragraph(u"<b>"_s + esc(tr("Could not look up the tags of this image."))
                       + u"</b><br>"_s + esc(m_imageTagsError));
        if (!m_loadedTags.isEmpty())
            html.paragraph(esc(tr("Loaded: %1").arg(m_loadedTags.join(u", "_s))));
        break;
    case ImageTagsState::None:
        break;
    }
    return html.text();
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
    if (!m_imageDigest.isEmpty())
        showImage(m_imageDigest, QStringList(m_loadedTags));
    else if (!m_reference.isEmpty())
        showReference(m_reference);
}

void DetailsPane::showReference(const QString &reference)
{
    if (reference.isEmpty() || !m_service) {
        clear();
        return;
    }
    cancelRequests();
    m_reference = reference;
    m_metadata.reset();
    m_manifest.reset();
    m_error = {};
    m_manifestError.clear();
    if (m_offline) {
        showLastKnown(reference);
        return;
    }
    setState(State::Loading);
    render();

    // A person is looking at exactly this: Interactive goes before the table's visible rows.
    // The service answers from its caches when it can (a tag costs a HEAD then).
    auto *metadata = m_service->metadata(m_repository, reference, Priority::Interactive);
    m_metadataJob = metadata;
    metadata->onFinished(this,
                         [this, metadata](const Result<MetadataService::TagMetadata> &result) {
                             if (metadata != m_metadataJob)
                                 return; // cancelled: another reference is shown now
                             if (result)
                                 m_metadata = *result->metadata;
                             else
                                 m_error = result.error();
                             setState(result ? State::Loaded : State::Failed);
                             render();
                         });
    auto *manifest = m_service->manifest(m_repository, reference, Priority::Interactive);
    m_manifestJob = manifest;
    manifest->onFinished(this, [this, manifest](const Result<FetchedManifest> &result) {
        if (manifest != m_manifestJob)
            return;
        if (result)
            m_manifest = result.value();
        else
            m_manifestError = result.error().toString();
        render();
    });
}

void DetailsPane::setOffline(bool offline)
{
    if (offline == m_offline)
        return;
    m_offline = offline;
    reload();
}

void DetailsPane::showLastKnown(const QString &reference)
{
    const QString digest = Digest::isValid(reference)
                                   ? reference
                                   : m_service->knownTags(m_repository).value(reference);
    const MetadataService::MetadataPtr known
            = digest.isEmpty() ? nullptr : m_service->knownMetadata(digest);
    if (known) {
        m_metadata = *known;
        m_manifestError = tr("not kept in the cache: shown when the registry can be reached");
        setState(State::Loaded);
    } else {
        m_error = Error(
                ErrorCode::Network,
                tr("the registry cannot be reached and the cache does not know %1").arg(reference));
        setState(State::Failed);
    }
    render();
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
    // An image of the grouped view is named short: a full digest in the title is one word
    // wider than the pane (the Digest row below has it whole).
    m_title->setText(m_imageDigest.isEmpty() ? fullReference
                                             : tr("Image %1\n%2")
                                                       .arg(Digest::shortForm(m_imageDigest),
                                                            m_registryName + u'/' + m_repository));

    const QString imageTags = imageTagsHtml();
    if (m_state == State::Loading) {
        m_browser->setHtml(imageTags + loadingHtml(m_reference));
        return;
    }
    if (m_state == State::Failed) {
        m_browser->setHtml(imageTags + failedHtml(m_error));
        return;
    }
    if (!m_metadata)
        return;
    const ImageMetadata &m = *m_metadata;
    Html html;
    // An image of the grouped view: its tags first, what a person selected it for.
    html.raw(imageTags);
    addSummary(html, m, fullReference, m_registryName + u'/' + m_repository + u'@' + m.digest);
    addPlatforms(html, m);
    addLayers(html, m.layers);
    addConfiguration(html, m.config);
    addKeyValues(html, tr("Annotations (%n)", nullptr, int(m.annotations.size())), m.annotations);
    addWarnings(html, m.warnings);
    addManifest(html, m_manifest, m_manifestError);

    // Keep the reader's place when the manifest arrives after the metadata.
    const int scroll = m_browser->verticalScrollBar() ? m_browser->verticalScrollBar()->value() : 0;
    m_browser->setHtml(html.text());
    if (m_browser->verticalScrollBar())
        m_browser->verticalScrollBar()->setValue(scroll);
}

} // namespace Berth
