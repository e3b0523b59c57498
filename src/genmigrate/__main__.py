from genmigrate.cli import main

main()
