# `make run` and `make test` each set up everything they need on a fresh machine:
# a virtual environment with the project installed, and a Java runtime for the OWL reasoner.

VENV   := .venv
PY     := $(VENV)/bin/python
SUM    := $(shell cksum pyproject.toml | cut -d' ' -f1)
# installed: the project and what serving needs (make run); with the test extras too (make test …)
SERVE  := $(VENV)/.installed-serve-$(SUM)
STAMP  := $(VENV)/.installed-test-$(SUM)
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run dev test fuzz bench bench-scaleout bench-tools bench-loop build validate java jdk chromium virtuoso axe clean

run: $(SERVE) java
	@echo "make: building the graph (validate, reason, write build/tracktwo.nq) …"
	$(VENV)/bin/tracktwo build
	@echo "make: serving http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	$(VENV)/bin/tracktwo serve --no-build --host $(HOST) --port $(PORT)

# For contributors: rebuild on every save (a case, the ontology, a query, a template) and serve the
# new build on the next page load; a build that fails keeps the last good one serving.
dev: $(SERVE) java
	$(VENV)/bin/tracktwo serve --reload --host $(HOST) --port $(PORT)

# The tests run in TEST_WORKERS processes (pytest-xdist), a test file to a process at a time, sharing
# one built copy of the data; TEST_WORKERS=0 runs them in this process alone.
TEST_WORKERS ?= 2
test: $(STAMP) jdk chromium virtuoso axe
	$(PY) -m pytest $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile)

# Hostile requests to every route of the web app (tests/test_fuzz.py); none may get a 500.
# `make test` sends 1,000; this sends FUZZ_EXAMPLES (the same ones every run; FUZZ_SEED=n for others)
# and prints the answers by route and status (-s).
FUZZ_EXAMPLES ?= 10000
fuzz: $(STAMP) java
	TRACKTWO_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(if $(FUZZ_SEED),TRACKTWO_FUZZ_SEED=$(FUZZ_SEED)) \
	  $(PY) -m pytest tests/test_fuzz.py -p no:cacheprovider -s

# Benchmarks (not timed tests): synthetic corpora of 100, 1,000 and 10,000 cases; results go to
# benchmarks/results/. SIZES="100 1000" narrows it; wrk (Debian) drives the load runs, nginx (Debian)
# is the reverse proxy of the scale-out runs, Virtuoso (Debian) the second SPARQL server.
SIZES ?= 100 1000 10000
bench: $(STAMP) java virtuoso bench-tools
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	$(PY) benchmarks/bench.py --sizes $(SIZES)
	$(PY) benchmarks/loop.py

# The scale-out runs alone (benchmarks/scaleout.py): 1, 2 and 4 app processes behind nginx over embedded
# copies, one Oxigraph server and one Virtuoso, at 1,000 cases (SCALEOUT="--cases 10000 --quick" for others).
SCALEOUT ?=
bench-scaleout: $(STAMP) virtuoso bench-tools
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	$(PY) benchmarks/scaleout.py $(SCALEOUT)

# wrk and nginx from Debian when missing. Debian's nginx package also installs a system service; on a
# machine with an init system it starts on port 80 (`systemctl disable --now nginx` stops it): the
# benchmarks never use it, they start their own nginx on a loopback port with a configuration of theirs.
bench-tools:
	@command -v wrk >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; }

# The contributor's loop alone: build and validate after an edit, against a cold build, on a copy of
# the real case files (benchmarks/loop.py; results in benchmarks/results/loop-latest.md).
bench-loop: $(STAMP) java
	$(PY) benchmarks/loop.py

build: $(SERVE) java
	$(VENV)/bin/tracktwo build

validate: $(SERVE) java
	$(VENV)/bin/tracktwo validate

$(PY):
	python3 -m venv $(VENV)

$(SERVE): pyproject.toml | $(PY)
	@echo "make: installing tracktwo and what serving needs into $(VENV) …"
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	rm -f $(VENV)/.installed-serve-*
	touch $@

$(STAMP): pyproject.toml | $(PY)
	@echo "make: installing tracktwo with its test extras into $(VENV) …"
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@ $(SERVE)

# HermiT (the OWL reasoner, through owlready2) runs on Java; install Debian's if it is missing.
java:
	@command -v java >/dev/null 2>&1 || { \
	  echo "make: installing a Java runtime (default-jre-headless) for the OWL reasoner"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; }

# The OWL 2 DL profile check (tests/test_profile.py) runs the OWL API's checker in Java's source-file
# mode, which needs a JDK's compiler module: install Debian's JDK if javac is missing.
jdk:
	@command -v javac >/dev/null 2>&1 || { \
	  echo "make: installing a Java development kit (default-jdk-headless) for the OWL 2 DL profile check"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jdk-headless; }

# The browser tests drive Debian's Chromium through Playwright (never a downloaded browser).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "make: installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# The remote backend is tested on a Virtuoso Open Source server as well as Oxigraph's: Debian's binaries
# only (virtuoso-t and isql-vt), which the tests start on loopback with a virtuoso.ini of their own;
# the full virtuoso-opensource package would also install and start a system service.
virtuoso:
	@command -v virtuoso-t >/dev/null 2>&1 || { \
	  echo "make: installing Debian's Virtuoso Open Source binaries for the remote backend's tests"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource-7-bin; }

# axe-core (the npm registry's package, not a download of its own) checks pages for accessibility
# in the browser tests; it goes under build/, outside the source tree.
AXE := build/axe/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE):
	@command -v npm >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	npm install --no-save --no-audit --no-fund --silent --prefix build/axe axe-core@4.14.1

clean:
	rm -rf build
