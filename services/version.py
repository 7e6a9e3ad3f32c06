"""The program's name and version: the one place they are set."""

APP_ID = "dangxun"
APP_NAME = "党员教育培训管理系统"
VERSION = "0.1.0"
