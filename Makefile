# 党员教育培训管理系统 — `make run` sets everything up and starts the program; `make test` runs the tests.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
# System libraries Qt needs on a bare Debian/Ubuntu (UOS, Kylin) machine, plus tools the tests use.
SYSTEM_PACKAGES := python3-venv libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 \
	libglib2.0-0 libdbus-1-3 libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 \
	libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test bench lint system venv clean bundle deb

run: venv
	$(PY) main.py

test: venv
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: venv
	QT_QPA_PLATFORM=offscreen $(PY) tests/benchmarks/run_all.py $(ONLY)

lint: venv
	$(VENV)/bin/pip install -q --group dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy models services

# Installs the system packages that are missing (Debian-based systems only).
system:
	@if command -v dpkg-query >/dev/null 2>&1; then \
	  missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	  if [ -n "$$missing" ]; then echo "安装系统软件包：$$missing"; \
	    $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; fi; \
	fi

$(VENV)/.installed: pyproject.toml
	$(MAKE) system
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade "pip>=25.1"
	$(VENV)/bin/pip install -q --group test
	touch $@

venv: $(VENV)/.installed

bundle: venv
	$(VENV)/bin/pip install -q --group bundle
	$(PY) installer/build_bundle.py

deb: bundle
	$(PY) installer/build_deb.py

clean:
	rm -rf build dist .pytest_cache
