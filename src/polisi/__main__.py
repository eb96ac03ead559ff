from polisi.cli.main import main

main()
