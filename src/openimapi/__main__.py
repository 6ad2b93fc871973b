from openimapi.cli import main

main()
