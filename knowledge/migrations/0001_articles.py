"""Knowledge articles (issue 18.1) and their search index.

PostgreSQL: ``itsm_article_bigrams(…)`` is every distinct two-character substring of the
upper-cased title, symptom, cause and solution (Chinese and English; none spanning whitespace),
the approach of the ticket search (tickets 0011). A GIN index on that expression answers
"contains this term" for any term of two or more characters with ``@> ARRAY[its bigrams]``,
which pg_trgm cannot do for a two-character Chinese word; the contains test then rechecks the
few candidates. It is an expression index, so PostgreSQL keeps it in step on every write.
COST 10000: computing the bigrams of one article takes milliseconds; at the default cost the
planner would rather evaluate it on every row of a sequential scan than read the index whenever
a LIMIT promises to stop early (seen at 50,000 articles: seconds instead of milliseconds).
SQLite (the zero-setup demo) scans, which is fine at demo sizes.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

BIGRAMS = """
CREATE OR REPLACE FUNCTION itsm_article_bigrams(
    title text, symptom text, cause text, solution text,
    title_en text, symptom_en text, cause_en text, solution_en text)
RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 10000 AS $$
  SELECT coalesce(array_agg(DISTINCT pair), '{}'::text[])
  FROM (SELECT upper(concat_ws(E'\\n', title, symptom, cause, solution,
                               title_en, symptom_en, cause_en, solution_en)) AS doc) AS d,
       LATERAL (SELECT substr(d.doc, i, 2) AS pair
                FROM generate_series(1, char_length(d.doc) - 1) AS i) AS p
  WHERE pair !~ '\\s'
$$
"""
PG_FORWARD = [
    BIGRAMS,
    "CREATE INDEX IF NOT EXISTS article_bigrams ON knowledge_article USING gin "
    "(itsm_article_bigrams(title, symptom, cause, solution, title_en, symptom_en, cause_en, "
    "solution_en))",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS article_bigrams",
    "DROP FUNCTION IF EXISTS itsm_article_bigrams(text, text, text, text, text, text, text, text)",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in PG_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in PG_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('sla', '0009_chinese_holiday_names'),
        ('tickets', '0010_saved_views'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Article',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('symptom', models.TextField(help_text='What the user sees, in their words (Markdown).', max_length=20000, verbose_name='symptom')),
                ('cause', models.TextField(blank=True, help_text='Why it happens, when known (Markdown).', max_length=20000, verbose_name='cause')),
                ('solution', models.TextField(help_text='The steps that fix it (Markdown).', max_length=20000, verbose_name='solution')),
                ('title_en', models.CharField(blank=True, max_length=200, verbose_name='title (English)')),
                ('symptom_en', models.TextField(blank=True, max_length=20000, verbose_name='symptom (English)')),
                ('cause_en', models.TextField(blank=True, max_length=20000, verbose_name='cause (English)')),
                ('solution_en', models.TextField(blank=True, max_length=20000, verbose_name='solution (English)')),
                ('visibility', models.CharField(choices=[('public', 'Public (end users see it)'), ('internal', 'Internal (staff only)')], default='public', max_length=16, verbose_name='visibility')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('review', 'In review'), ('published', 'Published'), ('retired', 'Retired')], default='draft', max_length=16, verbose_name='status')),
                ('asset_models', models.CharField(blank=True, help_text='The device models it applies to, separated by commas.', max_length=300, verbose_name='asset models')),
                ('review_note', models.TextField(blank=True, max_length=2000, verbose_name='review note')),
                ('revision', models.PositiveIntegerField(default=1, verbose_name='revision')),
                ('created_at', models.DateTimeField(verbose_name='created at')),
                ('updated_at', models.DateTimeField(verbose_name='updated at')),
                ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted for review at')),
                ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='published at')),
                ('retired_at', models.DateTimeField(blank=True, null=True, verbose_name='retired at')),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                ('category', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tickets.category', verbose_name='category')),
                ('contract', models.ForeignKey(blank=True, help_text='Leave empty for an article every contract may read.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='sla.contract', verbose_name='contract')),
                ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by')),
                ('service_type', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tickets.servicetype', verbose_name='service type')),
                ('source_ticket', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='tickets.ticket', verbose_name='proposed from ticket')),
            ],
            options={
                'verbose_name': 'knowledge article',
                'verbose_name_plural': 'knowledge articles',
                'ordering': ['-updated_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='ArticleAttachment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('original_name', models.CharField(max_length=255, verbose_name='file name')),
                ('storage_name', models.CharField(editable=False, max_length=255, unique=True, verbose_name='stored as')),
                ('content_type', models.CharField(max_length=100, verbose_name='content type')),
                ('size', models.PositiveIntegerField(verbose_name='size (bytes)')),
                ('created_at', models.DateTimeField(verbose_name='created at')),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='knowledge.article', verbose_name='article')),
                ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
            ],
            options={
                'verbose_name': 'article attachment',
                'verbose_name_plural': 'article attachments',
                'ordering': ['created_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='ArticleVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField(verbose_name='revision')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('symptom', models.TextField(verbose_name='symptom')),
                ('cause', models.TextField(blank=True, verbose_name='cause')),
                ('solution', models.TextField(verbose_name='solution')),
                ('title_en', models.CharField(blank=True, max_length=200, verbose_name='title (English)')),
                ('symptom_en', models.TextField(blank=True, verbose_name='symptom (English)')),
                ('cause_en', models.TextField(blank=True, verbose_name='cause (English)')),
                ('solution_en', models.TextField(blank=True, verbose_name='solution (English)')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='what changed')),
                ('created_at', models.DateTimeField(verbose_name='created at')),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='knowledge.article', verbose_name='article')),
                ('edited_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='edited by')),
            ],
            options={
                'verbose_name': 'article version',
                'verbose_name_plural': 'article versions',
                'ordering': ['-number'],
            },
        ),
        migrations.CreateModel(
            name='ArticleVote',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('helpful', models.BooleanField(verbose_name='helpful')),
                ('created_at', models.DateTimeField(verbose_name='created at')),
                ('updated_at', models.DateTimeField(verbose_name='updated at')),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='votes', to='knowledge.article', verbose_name='article')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reader')),
            ],
            options={
                'verbose_name': 'article vote',
                'verbose_name_plural': 'article votes',
            },
        ),
        migrations.CreateModel(
            name='Deflection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('query', models.CharField(blank=True, max_length=200, verbose_name='what they typed')),
                ('created_at', models.DateTimeField(verbose_name='created at')),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deflections', to='knowledge.article', verbose_name='article')),
                ('contract', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='sla.contract', verbose_name='contract')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'deflection',
                'verbose_name_plural': 'deflections',
            },
        ),
        migrations.CreateModel(
            name='HistoricalArticle',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('symptom', models.TextField(help_text='What the user sees, in their words (Markdown).', max_length=20000, verbose_name='symptom')),
                ('cause', models.TextField(blank=True, help_text='Why it happens, when known (Markdown).', max_length=20000, verbose_name='cause')),
                ('solution', models.TextField(help_text='The steps that fix it (Markdown).', max_length=20000, verbose_name='solution')),
                ('title_en', models.CharField(blank=True, max_length=200, verbose_name='title (English)')),
                ('symptom_en', models.TextField(blank=True, max_length=20000, verbose_name='symptom (English)')),
                ('cause_en', models.TextField(blank=True, max_length=20000, verbose_name='cause (English)')),
                ('solution_en', models.TextField(blank=True, max_length=20000, verbose_name='solution (English)')),
                ('visibility', models.CharField(choices=[('public', 'Public (end users see it)'), ('internal', 'Internal (staff only)')], default='public', max_length=16, verbose_name='visibility')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('review', 'In review'), ('published', 'Published'), ('retired', 'Retired')], default='draft', max_length=16, verbose_name='status')),
                ('asset_models', models.CharField(blank=True, help_text='The device models it applies to, separated by commas.', max_length=300, verbose_name='asset models')),
                ('review_note', models.TextField(blank=True, max_length=2000, verbose_name='review note')),
                ('revision', models.PositiveIntegerField(default=1, verbose_name='revision')),
                ('created_at', models.DateTimeField(verbose_name='created at')),
                ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted for review at')),
                ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='published at')),
                ('retired_at', models.DateTimeField(blank=True, null=True, verbose_name='retired at')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('author', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                ('category', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tickets.category', verbose_name='category')),
                ('contract', models.ForeignKey(blank=True, db_constraint=False, help_text='Leave empty for an article every contract may read.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='sla.contract', verbose_name='contract')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('reviewed_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by')),
                ('service_type', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tickets.servicetype', verbose_name='service type')),
                ('source_ticket', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tickets.ticket', verbose_name='proposed from ticket')),
            ],
            options={
                'verbose_name': 'historical knowledge article',
                'verbose_name_plural': 'historical knowledge articles',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='TicketArticle',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(verbose_name='created at')),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ticket_links', to='knowledge.article', verbose_name='article')),
                ('linked_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='linked by')),
                ('ticket', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='knowledge_link', to='tickets.ticket', verbose_name='ticket')),
            ],
            options={
                'verbose_name': 'article used on a ticket',
                'verbose_name_plural': 'articles used on tickets',
            },
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['-published_at', '-id'], name='article_published'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('status', 'review')), fields=['submitted_at'], name='article_review_queue'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('source_ticket__isnull', False)), fields=['source_ticket'], name='article_source_ticket'),
        ),
        migrations.AddConstraint(
            model_name='article',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'published'), _negated=True), ('published_at__isnull', False), _connector='OR'), name='article_published_has_date'),
        ),
        migrations.AddConstraint(
            model_name='articleversion',
            constraint=models.UniqueConstraint(fields=('article', 'number'), name='article_version_unique'),
        ),
        migrations.AddConstraint(
            model_name='articlevote',
            constraint=models.UniqueConstraint(fields=('article', 'user'), name='article_vote_one_per_user'),
        ),
        migrations.AddIndex(
            model_name='deflection',
            index=models.Index(fields=['contract', 'created_at'], name='deflection_contract'),
        ),
        migrations.AddIndex(
            model_name='deflection',
            index=models.Index(fields=['created_at', 'article'], name='deflection_period'),
        ),
        migrations.AddIndex(
            model_name='ticketarticle',
            index=models.Index(fields=['article', 'created_at'], name='ticket_article_used'),
        ),
        migrations.RunPython(forward, backward),
    ]
