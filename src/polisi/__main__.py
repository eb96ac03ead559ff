from polisi.cli import main

main()
