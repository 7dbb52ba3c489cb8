CREATE TABLE artifacts (
	run_id INTEGER NOT NULL,
	"key" VARCHAR(250) NOT NULL,
	dtype VARCHAR(20) NOT NULL,
	shape JSON NOT NULL,
	data BLOB NOT NULL,
	PRIMARY KEY (run_id, "key"),
	FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE
);
CREATE TABLE metrics (
	id INTEGER NOT NULL,
	run_id INTEGER NOT NULL,
	"key" VARCHAR(250) NOT NULL,
	step INTEGER NOT NULL,
	value FLOAT,
	value_kind SMALLINT NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE
);
CREATE TABLE params (
	run_id INTEGER NOT NULL,
	"key" VARCHAR(250) NOT NULL,
	value TEXT NOT NULL,
	PRIMARY KEY (run_id, "key"),
	FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE
);
CREATE TABLE quiz_attempts (
	id INTEGER NOT NULL,
	learner VARCHAR(200) NOT NULL,
	question_id VARCHAR(200) NOT NULL,
	created_at DATETIME NOT NULL,
	status VARCHAR(20) NOT NULL,
	given_answer TEXT NOT NULL,
	seed BIGINT,
	content_hash VARCHAR(64) NOT NULL,
	lang VARCHAR(5),
	misconceptions JSON NOT NULL,
	detail JSON,
	review_id INTEGER,
	PRIMARY KEY (id),
	FOREIGN KEY(review_id) REFERENCES quiz_reviews (id) ON DELETE SET NULL
);
CREATE TABLE quiz_cards (
	learner VARCHAR(200) NOT NULL,
	question_id VARCHAR(200) NOT NULL,
	card_id BIGINT NOT NULL,
	state SMALLINT NOT NULL,
	step INTEGER,
	stability FLOAT,
	difficulty FLOAT,
	due DATETIME NOT NULL,
	last_review DATETIME,
	reviews INTEGER NOT NULL,
	lapses INTEGER NOT NULL,
	content_hash VARCHAR(64),
	PRIMARY KEY (learner, question_id)
);
CREATE TABLE quiz_reviews (
	id INTEGER NOT NULL,
	learner VARCHAR(200) NOT NULL,
	question_id VARCHAR(200) NOT NULL,
	card_id BIGINT NOT NULL,
	rating SMALLINT NOT NULL,
	review_datetime DATETIME NOT NULL,
	review_duration INTEGER,
	content_hash VARCHAR(64) NOT NULL,
	seed BIGINT,
	given_answer TEXT NOT NULL,
	correct BOOLEAN NOT NULL,
	helped BOOLEAN NOT NULL,
	lang VARCHAR(5),
	PRIMARY KEY (id)
);
CREATE TABLE quiz_settings (
	"key" VARCHAR(100) NOT NULL,
	value JSON NOT NULL,
	PRIMARY KEY ("key")
);
CREATE TABLE runs (
	id INTEGER NOT NULL,
	task VARCHAR(100) NOT NULL,
	preset VARCHAR(50),
	status VARCHAR(20) NOT NULL,
	seed INTEGER,
	config_hash VARCHAR(64) NOT NULL,
	code_version VARCHAR(200),
	choices JSON NOT NULL,
	config JSON NOT NULL,
	error TEXT,
	error_step INTEGER,
	started_at DATETIME,
	finished_at DATETIME,
	duration_s FLOAT,
	dlbench_version VARCHAR(50),
	python_version VARCHAR(50),
	numpy_version VARCHAR(50),
	platform VARCHAR(200),
	blas_vendor VARCHAR(100),
	blas_threads INTEGER,
	plugin_versions JSON,
	PRIMARY KEY (id)
);
CREATE TABLE schema_migrations (
	name VARCHAR(200) NOT NULL,
	applied_at DATETIME,
	PRIMARY KEY (name)
);
CREATE TABLE summaries (
	run_id INTEGER NOT NULL,
	"key" VARCHAR(250) NOT NULL,
	value FLOAT,
	value_kind SMALLINT NOT NULL,
	PRIMARY KEY (run_id, "key"),
	FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE
);
CREATE TABLE tags (
	run_id INTEGER NOT NULL,
	"key" VARCHAR(250) NOT NULL,
	value TEXT NOT NULL,
	PRIMARY KEY (run_id, "key"),
	FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE
);
CREATE INDEX ix_metrics_run_key_step ON metrics (run_id, "key", step);
CREATE INDEX ix_quiz_attempts_learner_question ON quiz_attempts (learner, question_id);
CREATE INDEX ix_quiz_cards_card_id ON quiz_cards (card_id);
CREATE INDEX ix_quiz_cards_due ON quiz_cards (due);
CREATE INDEX ix_quiz_reviews_learner_question ON quiz_reviews (learner, question_id);
CREATE INDEX ix_runs_config_hash ON runs (config_hash);
CREATE INDEX ix_runs_status ON runs (status);
CREATE INDEX ix_runs_task ON runs (task);
