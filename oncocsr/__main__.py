from oncocsr.cli import run

run()
