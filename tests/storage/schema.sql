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
CREATE TABLE run_claims (
	config_hash VARCHAR(64) NOT NULL,
	code_version VARCHAR(200) NOT NULL,
	run_id INTEGER NOT NULL,
	PRIMARY KEY (config_hash, code_version),
	FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE
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
	plugin_versions JSON, owner_host VARCHAR(200), owner_pid INTEGER, owner_started FLOAT, heartbeat_at DATETIME,
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
CREATE TABLE sweeps (
	id INTEGER NOT NULL,
	label VARCHAR(500) NOT NULL,
	status VARCHAR(20) NOT NULL,
	total INTEGER NOT NULL,
	done INTEGER NOT NULL,
	failed INTEGER NOT NULL,
	task VARCHAR(100),
	task_index INTEGER NOT NULL,
	tasks JSON NOT NULL,
	started_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	finished_at DATETIME,
	host VARCHAR(200),
	pid INTEGER,
	pid_started FLOAT,
	PRIMARY KEY (id)
);
CREATE TABLE tags (
	run_id INTEGER NOT NULL,
	"key" VARCHAR(250) NOT NULL,
	value TEXT NOT NULL,
	PRIMARY KEY (run_id, "key"),
	FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE
);
CREATE INDEX ix_metrics_run_key_step ON metrics (run_id, "key", step);
CREATE INDEX ix_runs_config_hash ON runs (config_hash);
CREATE INDEX ix_runs_status ON runs (status);
CREATE INDEX ix_runs_task ON runs (task);
CREATE INDEX ix_sweeps_status ON sweeps (status);
