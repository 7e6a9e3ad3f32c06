# 党员教育培训管理系统 — `make run` sets everything up and starts the program; `make test` runs the tests.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
# System libraries Qt needs on a bare Debian/Ubuntu (UOS, Kylin) machine, plus tools the tests use.
SYSTEM_PACKAGES := python3-venv libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 \
	libglib2.0-0 libdbus-1-3 libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 \
	libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The package's architecture: amd64, or arm64 (built under qemu-user on an x86-64 machine).
ARCH ?= $(shell dpkg --print-architecture 2>/dev/null || echo amd64)
# Tools `make deb` needs on the build machine (Debian 12); arm64 also needs qemu-user.
DEB_TOOLS := debootstrap $(if $(filter arm64,$(ARCH)),qemu-user-static binfmt-support)

.PHONY: run test bench lint system venv clean bundle deb deb-tools deb-check deb-arm64

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

# The .deb for UOS 20 / Kylin V10 / Debian 11 and newer: built inside a Debian 11 root (cached under
# build/debian11/$(ARCH)/) so that it needs glibc 2.28 (amd64) / 2.31 (arm64) only. Needs root.
# ARCH=arm64: the package is then installed and run (demo, members list, screenshot) in a fresh arm64
# Debian 11 root under qemu (deb-check UPGRADE=no); CHECK=no builds only.
CHECK ?= yes
deb: deb-tools
	$(SUDO) python3 installer/debian_root.py deb --arch $(ARCH)
	$(if $(and $(filter arm64,$(ARCH)),$(filter-out no,$(CHECK))),$(MAKE) deb-check ARCH=arm64 UPGRADE=no)

deb-tools:
	@missing=$$(for p in $(DEB_TOOLS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; fi

# Installs dist/dangxun_*_$(ARCH).deb with apt in a fresh Debian 11 root and runs it there; first
# builds an older package (version 0.0.1 from the first commit) to check the upgrade keeps the data.
# UPGRADE=no skips the older package (deb-check-arm64 does: a second bundle under qemu).
UPGRADE ?= yes
deb-check: venv deb-tools
	$(if $(filter no,$(UPGRADE)),,$(SUDO) python3 installer/debian_root.py deb --arch $(ARCH) \
	  --source-rev root --version 0.0.1 --out build/debian11/$(ARCH)/upgrade --compression none \
	  --name old-bundle)
	$(SUDO) env DANGXUN_TEST_DEBIAN11=1 ARCH=$(ARCH) $(if $(filter no,$(UPGRADE)),DANGXUN_OLD_DEB=) \
	  $(PY) -m pytest -q -rs -s -p no:cacheprovider tests/installer/test_debian11.py

# The arm64 package on an x86-64 machine, then demo / members list / screenshot with it in a fresh
# arm64 Debian 11 root under qemu-user. CPython and SQLite are cross-compiled (installer/cross_arm64.py);
# only pip, PyInstaller, dpkg-deb and the checks run emulated. Not in .ci/run (times: installer/README.md).
deb-arm64:
	$(MAKE) deb ARCH=arm64

# Unmounts whatever a stopped build left mounted in the roots before deleting them.
clean:
	@if [ -d build/debian11 ]; then $(SUDO) python3 -c 'import sys; sys.path.insert(0, "installer"); \
	  import debian_root as d; d.remove_root(d.CACHE)'; fi
	rm -rf --one-file-system build dist .pytest_cache
